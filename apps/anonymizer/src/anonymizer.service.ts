import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import type { AnonymizerHealth, DetectMode, DetectReply, DetectRequest, FrameMessage, ModelInfo, RedactReply, RedactRequest } from '@borderlens/contracts';
import { redactI420, redactRgb, type RedactOptions } from '@borderlens/redaction';
import { loadDetector, loadObjectDetector, modeOverrides, verifyModels } from './detection/detector.factory';
import type { Detector } from './detection/detector';
import type { ObjectDetector } from './detection/object-detector';
import type { ObjectDetection } from './detection/yolox.decoder';
import type { Detections } from './detection/detection.types';
import { checkRawFrame, type RawFrame } from './frame';
import { ImageRepository, InputError } from './repositories/image.repository';
import { ModelIntegrityError, ModelRepository } from './repositories/model.repository';

/** An error the transport returns as {code, message}. */
export class AnonymizerError extends Error {
  constructor(
    readonly code: 'bad_request' | 'unavailable' | 'inference_failed',
    message: string,
  ) {
    super(message);
    this.name = 'AnonymizerError';
  }
}

/**
 * Detection and redaction of single frames for the other apps. Fail closed: without loaded models,
 * or when inference fails, every call errors and no frame is returned unredacted.
 */
@Injectable()
export class AnonymizerService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(AnonymizerService.name);
  private detector?: Detector;
  private objectDetector?: ObjectDetector;
  private models: ModelInfo[] = [];
  private error?: string = 'models not loaded yet';
  private frames = 0;
  private failures = 0;

  constructor(
    @Inject(CONFIG) private readonly cfg: BorderlensConfig,
    private readonly modelRepo: ModelRepository,
    private readonly images: ImageRepository,
  ) {}

  /**
   * A model file that is missing or differs from SHA256SUMS stops start-up (ModelIntegrityError).
   * A model that passes the check but does not load leaves the service up, reporting the error.
   */
  async onModuleInit(): Promise<void> {
    const models = await verifyModels(this.cfg, this.modelRepo);
    this.models = models;
    try {
      this.detector = (await loadDetector(this.cfg, models, this.modelRepo)).detector;
      this.objectDetector = await loadObjectDetector(this.cfg, models, this.modelRepo);
      this.error = undefined;
      this.log.log(`models loaded: ${models.map((m) => `${m.file} ${m.sha256.slice(0, 12)}`).join(', ')}`);
      await this.warmUp();
    } catch (e) {
      if (e instanceof ModelIntegrityError) throw e;
      this.error = `models failed to load: ${(e as Error).message}`;
      this.log.error(this.error);
    }
  }

  /**
   * One live-sized inference before the service reports itself up: a model's first run allocates and
   * plans its kernels (seconds on a busy machine), which would otherwise fall on the first viewer's
   * first frame, far past the media node's detection budget. A failure is left to the first real call.
   */
  private async warmUp(): Promise<void> {
    const width = this.cfg.media.detectWidth & ~1;
    const height = Math.max(2, Math.round((width * 9) / 16) & ~1);
    const frame: RawFrame = { format: 'i420', width, height, data: new Uint8Array(width * height * 1.5).fill(128) };
    const started = performance.now();
    try {
      await this.detector!.detect(frame, modeOverrides(this.cfg, 'live'));
      this.log.log(`warmed up (${width}x${height} live inference: ${Math.round(performance.now() - started)} ms)`);
    } catch (e) {
      this.log.warn(`warm-up inference failed: ${(e as Error).message}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.detector?.release(), this.objectDetector?.release()]);
  }

  health(): AnonymizerHealth {
    return {
      status: this.detector && !this.error ? 'ok' : 'error',
      models: this.models,
      ...(this.error ? { error: this.error } : {}),
      instance: `${hostname()}:${process.pid}`,
      frames: this.frames,
      failures: this.failures,
    };
  }

  async detect(req: DetectRequest): Promise<DetectReply> {
    const { frame } = await this.decode(req);
    const started = performance.now();
    const found = await this.run(frame, req.mode);
    return { ...found, ms: Math.round((performance.now() - started) * 10) / 10 };
  }

  async redact(req: RedactRequest): Promise<RedactReply> {
    const { frame, channels, encoded } = await this.decode(req.frame);
    const found = await this.run(frame, req.mode);
    const boxes = [...found.faces, ...found.plates].map((d) => d.box);
    const opts: RedactOptions = { method: req.method ?? this.cfg.anonymizer.method, padding: req.padding ?? this.cfg.anonymizer.padding };
    if (frame.format === 'i420') redactI420(frame.data, frame.width, frame.height, boxes, opts);
    else redactRgb(frame.data, frame.width, frame.height, channels, boxes, opts);
    const data = encoded ? await this.images.encode(frame, channels, encoded) : Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.length);
    return {
      frame: { width: frame.width, height: frame.height, format: req.frame.format, data: data.toString('base64') },
      faces: found.faces.length,
      plates: found.plates.length,
    };
  }

  /** Persons and vehicles in a frame (analytics), boxes in the frame's pixels. */
  async objects(msg: FrameMessage): Promise<{ frame: RawFrame; objects: ObjectDetection[] }> {
    const { frame } = await this.decode(msg);
    if (!this.objectDetector) {
      throw new AnonymizerError(
        'unavailable',
        this.cfg.anonymizer.objectModel ? `anonymizer unavailable: ${this.error ?? 'models not loaded'}` : 'this anonymizer does no analytics (anonymizer.objectModel is empty)',
      );
    }
    try {
      return { frame, objects: await this.objectDetector.detect(frame) };
    } catch (e) {
      this.failures++;
      this.log.error(`object detection failed: ${(e as Error).message}`);
      throw new AnonymizerError('inference_failed', `object detection failed: ${(e as Error).message}`);
    }
  }

  /** Runs the detector; any failure marks the service unhealthy until the next success. */
  private async run(frame: RawFrame, mode: DetectMode | undefined): Promise<Detections> {
    if (!this.detector) throw new AnonymizerError('unavailable', `anonymizer unavailable: ${this.error ?? 'models not loaded'}`);
    try {
      const found = await this.detector.detect(frame, modeOverrides(this.cfg, mode));
      this.frames++;
      if (this.error) this.log.log('inference works again');
      this.error = undefined;
      return found;
    } catch (e) {
      this.failures++;
      this.error = `inference failed: ${(e as Error).message}`;
      this.log.error(this.error);
      throw new AnonymizerError('inference_failed', this.error);
    }
  }

  private async decode(msg: FrameMessage): Promise<{ frame: RawFrame; channels: 3 | 4; encoded?: 'jpeg' | 'png' }> {
    const bytes = typeof msg.data === 'string' ? Buffer.from(msg.data, 'base64') : Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
    try {
      if (msg.format === 'jpeg' || msg.format === 'png') {
        const img = await this.images.decode(bytes);
        return { frame: img.frame, channels: img.channels, encoded: img.format };
      }
      if (msg.width * msg.height > this.cfg.anonymizer.maxPixels)
        throw new InputError(`frame ${msg.width}x${msg.height} is larger than the ${this.cfg.anonymizer.maxPixels} pixels allowed`);
      const frame: RawFrame = { format: msg.format, width: msg.width, height: msg.height, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
      checkRawFrame(frame);
      return { frame, channels: 3 };
    } catch (e) {
      if (e instanceof InputError || e instanceof RangeError) throw new AnonymizerError('bad_request', e.message);
      throw e;
    }
  }
}

export { ModelIntegrityError, ModelRepository };
