import { scaleBoxes, type Box } from '@borderlens/redaction';
import { detectionSize, downscaleI420 } from '../live/decoded-frame';
import type { DetectorPort } from './ports';

/** CPU spent on the media node's side of one detection (ms of synchronous work). */
export interface DetectionCost {
  /** Making the downscaled copy. */
  copyMs: number;
  /** Sealing and queueing the request (until the call leaves this function). */
  sendMs: number;
}

/**
 * The one place where the media node's frames meet the detector (live gate, clip export, stills):
 * a downscaled copy of the yuv420p frame (media.detectWidth) goes to the anonymizer as bytes, and
 * the face and plate boxes come back in the frame's own pixels. Rejects when detection fails (the
 * caller fails closed: masks, or stops the export).
 */
export class FrameDetection {
  constructor(
    private readonly detector: DetectorPort,
    private readonly detectWidth: number,
  ) {}

  /** The copy is taken before anything is awaited: the frame may be redacted meanwhile. */
  detect(frame: { data: Uint8Array; width: number; height: number }, timeoutMs: number, cost?: DetectionCost): Promise<Box[]> {
    const { width, height } = frame;
    const t0 = performance.now();
    const small = detectionSize(width, height, this.detectWidth);
    const data = small.width === width && small.height === height ? Buffer.from(frame.data) : downscaleI420(frame.data, width, height, small.width, small.height);
    const t1 = performance.now();
    const reply = this.detector.detect({ width: small.width, height: small.height, format: 'i420', data, mode: 'live' }, timeoutMs);
    if (cost) {
      cost.copyMs += t1 - t0;
      cost.sendMs += performance.now() - t1;
    }
    return reply.then((r) =>
      scaleBoxes(
        [...(r.faces ?? []), ...(r.plates ?? [])].map((d) => d.box),
        small.width,
        small.height,
        width,
        height,
      ),
    );
  }
}
