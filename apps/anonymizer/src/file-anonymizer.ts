import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { BorderlensConfig } from '@borderlens/config';
import { redactRgb, type RedactOptions } from '@borderlens/redaction';
import type { Detector } from './detection/detector';
import type { Detection } from './detection/detection.types';
import { FfmpegRepository } from './repositories/ffmpeg.repository';
import { ImageRepository, InputError, sniff, type ImageFormat } from './repositories/image.repository';
import { VideoRedactor } from './video/video-redactor';

/** One line of `npm run detect`. */
export interface DetectFileResult {
  file: string;
  width: number;
  height: number;
  faces: Detection[];
  plates: Detection[];
}

export interface RedactFileResult {
  kind: ImageFormat | 'mp4';
  faces: number;
  plates: number;
  frames?: number;
}

/** Stills (JPEG, PNG) and MP4 videos on disk: what the command line works on (cli-support builds it). */
export class FileAnonymizer {
  constructor(
    private readonly cfg: BorderlensConfig,
    private readonly detector: Detector,
    private readonly images: ImageRepository,
    private readonly ffmpeg: FfmpegRepository,
  ) {}

  async detectFile(path: string): Promise<DetectFileResult> {
    const kind = await this.kindOf(path);
    if (kind === 'mp4') throw new InputError('is a video; detect takes images (redact takes videos)');
    const { frame } = await this.images.decode(await readFile(path));
    const found = await this.detector.detect(frame);
    return { file: path, width: frame.width, height: frame.height, ...found };
  }

  /**
   * Writes a redacted copy of `input` to `output`: first to a temporary file beside it, renamed into
   * place only when complete, so a failure never leaves a half-written or unredacted output.
   */
  async redactFile(input: string, output: string, redact: RedactOptions = this.defaults()): Promise<RedactFileResult> {
    const kind = await this.kindOf(input);
    const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.partial${kind === 'mp4' ? '.mp4' : ''}`);
    try {
      let result: RedactFileResult;
      if (kind === 'mp4') {
        const r = await new VideoRedactor(this.ffmpeg, this.detector).redact(input, tmp, {
          redact,
          detectEvery: this.cfg.anonymizer.detectEvery,
          keepAudio: this.cfg.anonymizer.keepAudio,
          maxPixels: this.cfg.anonymizer.maxPixels,
        });
        result = { kind, faces: r.faces, plates: r.plates, frames: r.frames };
      } else {
        const img = await this.images.decode(await readFile(input));
        const found = await this.detector.detect(img.frame);
        redactRgb(
          img.frame.data,
          img.frame.width,
          img.frame.height,
          img.channels,
          [...found.faces, ...found.plates].map((d) => d.box),
          redact,
        );
        await writeFile(tmp, await this.images.encode(img.frame, img.channels, outputFormat(output, img.format)));
        result = { kind, faces: found.faces.length, plates: found.plates.length };
      }
      await rename(tmp, output);
      return result;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  private defaults(): RedactOptions {
    return { method: this.cfg.anonymizer.method, padding: this.cfg.anonymizer.padding };
  }

  /** What a file is, by its first bytes; refuses what is not a file, too large, or of another kind. */
  private async kindOf(path: string): Promise<ImageFormat | 'mp4'> {
    const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new InputError(e.code === 'ENOENT' ? 'no such file' : e.message);
    });
    if (!st.isFile()) throw new InputError('not a file');
    const max = this.cfg.anonymizer.maxFileMb * 1024 * 1024;
    if (st.size > max) throw new InputError(`file is ${(st.size / 1048576).toFixed(1)} MiB, larger than the ${this.cfg.anonymizer.maxFileMb} MiB allowed`);
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(16);
      const { bytesRead } = await fh.read(head, 0, 16, 0);
      const kind = sniff(head.subarray(0, bytesRead));
      if (!kind) throw new InputError(bytesRead === 0 ? 'file is empty' : 'not a JPEG, PNG or MP4 file');
      return kind;
    } finally {
      await fh.close();
    }
  }
}

/** Output format from the output's extension, else the input's. */
function outputFormat(output: string, input: ImageFormat): ImageFormat {
  const ext = extname(output).toLowerCase();
  return ext === '.png' ? 'png' : ext === '.jpg' || ext === '.jpeg' ? 'jpeg' : input;
}
