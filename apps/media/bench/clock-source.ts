import type { Writable } from 'node:stream';

/**
 * A camera whose pictures carry the time they were made: 40 blocks of 16x16 along the top edge of
 * each 1280x720 frame, 8 marker bits then the wall clock in milliseconds (low 32 bits), black = 0,
 * white = 1. (Larger codes were taken for licence plates by the plate detector, and redacted.)
 * The RTSP camera simulator encodes them, so what a browser shows can be read back and compared
 * with its own clock (same machine): glass-to-glass latency.
 */
export const CLOCK_MARKER = 0b10110010;
export const CLOCK_W = 1280;
export const CLOCK_H = 720;
const BLOCK = 16;
const COLS = 40;
const TOP = 0;
const LEFT = 0;

/**
 * A frame stamped with `ms`, drawn over `background` (yuv420p 1280x720): a real picture, since the
 * plate detector takes a flat grey frame with a code on it for one big plate.
 */
export function clockFrame(ms: number, background?: Buffer): Buffer {
  const f = background ? Buffer.from(background) : Buffer.alloc(CLOCK_W * CLOCK_H * 1.5, 128);
  if (!background) f.fill(100, 0, CLOCK_W * CLOCK_H);
  const bits = [...Array(8)].map((_, i) => (CLOCK_MARKER >> (7 - i)) & 1).concat([...Array(32)].map((_, i) => ((ms >>> 0) >>> (31 - i)) & 1));
  for (let b = 0; b < 40; b++) {
    const v = bits[b] ? 235 : 16;
    const x0 = LEFT + (b % COLS) * BLOCK;
    const y0 = TOP + Math.floor(b / COLS) * BLOCK;
    for (let y = y0; y < y0 + BLOCK; y++) f.fill(v, y * CLOCK_W + x0, y * CLOCK_W + x0 + BLOCK);
  }
  return f;
}

/** The stamp of a frame from its luma plane (width CLOCK_W), or null when the marker is not there. */
export function readClock(luma: Buffer): number | null {
  const bits: number[] = [];
  for (let b = 0; b < 40; b++) bits.push(luma[(TOP + BLOCK / 2) * CLOCK_W + LEFT + b * BLOCK + BLOCK / 2] > 128 ? 1 : 0);
  if (bits.slice(0, 8).reduce((m, b) => m * 2 + b, 0) !== CLOCK_MARKER) return null;
  return bits.slice(8).reduce((t, b) => t * 2 + b, 0);
}

/** Milliseconds from a stamp to now (stamps hold the low 32 bits of the clock). */
export function ageOf(stamp: number, now = Date.now()): number {
  let d = (now >>> 0) - stamp;
  if (d < -2147483648) d += 4294967296;
  if (d > 2147483648) d -= 4294967296;
  return d;
}

/** Page-side reader (JavaScript text): block centres of the top strip -> timestamp, or -1. */
export const CLOCK_READER = `
window.__clock = { lat: [], bad: 0, on: false };
window.__clockStart = (index) => {
  const video = window.__whep[index].video;
  const c = document.createElement('canvas'); c.width = ${LEFT + COLS * BLOCK}; c.height = ${TOP + BLOCK};
  const ctx = c.getContext('2d', { willReadFrequently: true });
  window.__clock = { lat: [], bad: 0, on: true };
  const step = () => {
    if (!window.__clock.on) return;
    const now = Date.now();
    if (video.videoWidth === ${CLOCK_W}) {
      ctx.drawImage(video, 0, 0, c.width, c.height, 0, 0, c.width, c.height);
      const img = ctx.getImageData(0, 0, c.width, c.height).data;
      let bits = [];
      for (let b = 0; b < 40; b++) {
        const x = ${LEFT} + (b % ${COLS}) * ${BLOCK} + ${BLOCK / 2}, y = ${TOP} + Math.floor(b / ${COLS}) * ${BLOCK} + ${BLOCK / 2};
        bits.push(img[(y * c.width + x) * 4 + 1] > 128 ? 1 : 0);
      }
      let marker = 0; for (let i = 0; i < 8; i++) marker = marker * 2 + bits[i];
      if (marker === ${CLOCK_MARKER}) {
        let ts = 0; for (let i = 8; i < 40; i++) ts = ts * 2 + bits[i];
        let d = ((now >>> 0) - ts); if (d < -2147483648) d += 4294967296; if (d > 2147483648) d -= 4294967296;
        window.__clock.lat.push(d);
      } else { window.__clock.bad++; if ((window.__clock.samples = window.__clock.samples || []).length < 3) window.__clock.samples.push(bits.join('')); }
    }
    video.requestVideoFrameCallback(step);
  };
  video.requestVideoFrameCallback(step);
};
window.__clockStop = () => { window.__clock.on = false; return window.__clock; };
`;

/**
 * Runs the generator at `fps` into the simulator's stdin (started with `--rawstdin 1280x720`), which
 * encodes each picture as a camera does (x264 zerolatency, one access unit as soon as it is encoded).
 * Like a camera sensor it never queues pictures: one the simulator has not taken yet is dropped.
 */
export class ClockSource {
  private timer?: NodeJS.Timeout;

  constructor(private readonly background?: Buffer) {}

  start(sink: Writable, fps = 25): void {
    sink.on('error', () => undefined);
    const period = 1000 / fps;
    let next = Date.now();
    const tick = () => {
      if (sink.writableLength === 0) sink.write(clockFrame(Date.now(), this.background));
      next += period;
      this.timer = setTimeout(tick, Math.max(0, next - Date.now()));
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
