import type { DetectReply, DetectRequest } from '@borderlens/contracts';
import { i420Size } from '@borderlens/redaction';
import { DetectorPort } from '../transport/ports';
import type { DecodedFrame } from './decoded-frame';
import { FailClosedGate, type GateOutput } from './fail-closed-gate';

const W = 320;
const H = 240;
/** The "face": a checkerboard at x 100..160, y 80..140 that redaction must destroy. */
const FACE: [number, number, number, number] = [100, 80, 160, 140];

function frame(seq: number, at = 1000 + seq * 40, background = 128): DecodedFrame {
  const data = Buffer.alloc(i420Size(W, H), background);
  for (let y = FACE[1]; y < FACE[3]; y++) for (let x = FACE[0]; x < FACE[2]; x++) data[y * W + x] = (x + y) % 2 ? 250 : 5;
  return { data, width: W, height: H, seq, pts: seq * 40, at };
}

/** True when the checkerboard survived anywhere: a 4x4 block alternating between extremes both ways. */
function faceVisible(f: DecodedFrame): boolean {
  const px = (x: number, y: number) => f.data[y * W + x];
  for (let y = FACE[1]; y < FACE[3] - 4; y++) {
    for (let x = FACE[0]; x < FACE[2] - 4; x++) {
      let ok = true;
      for (let dy = 0; dy < 4 && ok; dy++) {
        for (let dx = 0; dx < 4 && ok; dx++) {
          ok = Math.abs(px(x + dx, y + dy) - px(x + dx + 1, y + dy)) > 200 && Math.abs(px(x + dx, y + dy) - px(x + dx, y + dy + 1)) > 200;
        }
      }
      if (ok) return true;
    }
  }
  return false;
}

class ManualDetector extends DetectorPort {
  calls: { frame: DetectRequest; timeoutMs: number; resolve: (r: DetectReply) => void; reject: (e: Error) => void }[] = [];
  detect(frame: DetectRequest, timeoutMs: number): Promise<DetectReply> {
    return new Promise((resolve, reject) => this.calls.push({ frame, timeoutMs, resolve, reject }));
  }
  /** Answers the oldest open call with the face, in the detection copy's pixels. */
  answerFace(): void {
    const c = this.calls.shift()!;
    const s = c.frame.width / W;
    c.resolve({ faces: [{ box: [FACE[0] * s, FACE[1] * s, FACE[2] * s, FACE[3] * s], score: 0.9 }], plates: [], ms: 5 });
  }
  fail(message = 'connect ECONNREFUSED 127.0.0.1:4012'): void {
    this.calls.shift()!.reject(new Error(message));
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function setup(detectEvery = 3, budgetMs = 250, pace = false) {
  const detector = new ManualDetector();
  const out: GateOutput[] = [];
  const gate = new FailClosedGate(detector, { budgetMs, detectWidth: 160, detectEvery, pace, redact: { method: 'pixelate', padding: 0.1 } }, (o) => out.push(o));
  return { detector, out, gate };
}

describe('FailClosedGate', () => {
  it('holds frames until the detection covering them arrives, then redacts them; boxes are tracked in between', async () => {
    const { detector, out, gate } = setup(3);
    expect(faceVisible(frame(0))).toBe(true);
    for (let i = 0; i < 3; i++) gate.push(frame(i));
    expect(out).toHaveLength(0);
    expect(detector.calls).toHaveLength(1);
    // the detector gets a downscaled i420 copy, with the budget as its timeout
    expect(detector.calls[0].frame).toMatchObject({ width: 160, height: 120, format: 'i420', mode: 'live' });
    // (as bytes: frames travel between the apps as binary)
    expect(Buffer.from(detector.calls[0].frame.data as Uint8Array).length).toBe(i420Size(160, 120));
    expect(detector.calls[0].timeoutMs).toBe(250);
    detector.answerFace();
    await tick();
    expect(out.map((o) => [o.frame.seq, o.verdict])).toEqual([
      [0, 'redacted'],
      [1, 'redacted'],
      [2, 'redacted'],
    ]);
    gate.push(frame(3));
    expect(detector.calls).toHaveLength(1);
    detector.answerFace();
    await tick();
    expect(out.every((o) => !faceVisible(o.frame))).toBe(true);
    // outside the face the picture is untouched
    expect(out[0].frame.data[10 * W + 10]).toBe(128);
    expect(gate.status).toBe('ok');
  });

  it('masks every frame, with a notice, while the anonymizer fails, and resumes redaction when it is back', async () => {
    const { detector, out, gate } = setup(2);
    gate.push(frame(0));
    detector.fail();
    await tick();
    expect(gate.status).toBe('degraded');
    for (let i = 1; i < 6; i++) gate.push(frame(i));
    // degraded: frames no longer wait for detection; they leave masked at once
    expect(out.map((o) => [o.frame.seq, o.verdict, o.reason])).toEqual([0, 1, 2, 3, 4, 5].map((s) => [s, 'masked', 'anonymizer-down']));
    const masked = out[3].frame;
    expect(masked.data[5 * W + 5]).toBe(48);
    // the notice is drawn: bright pixels in the middle band
    expect(masked.data.subarray((H / 2) * W, (H / 2 + 1) * W).some((v) => v > 200)).toBe(true);
    // the probe detection that was started meanwhile succeeds: redaction resumes without a new pipeline
    expect(detector.calls.length).toBe(1);
    const probeSeq = detector.calls.length;
    detector.answerFace();
    await tick();
    expect(gate.status).toBe('ok');
    gate.push(frame(6));
    gate.push(frame(7));
    if (detector.calls.length) detector.answerFace();
    await tick();
    expect(out.slice(6).map((o) => [o.frame.seq, o.verdict, o.reason])).toEqual([
      [6, 'redacted', undefined],
      [7, 'redacted', undefined],
    ]);
    expect(out.every((o) => !faceVisible(o.frame))).toBe(true);
    expect(probeSeq).toBe(1);
  });

  it('masks frames whose latest detection is older than the budget', async () => {
    const { detector, out, gate } = setup(5, 250);
    gate.push(frame(0, 1000));
    detector.answerFace();
    await tick();
    gate.push(frame(1, 1100));
    gate.push(frame(2, 1400));
    await tick();
    expect(out.map((o) => [o.frame.seq, o.verdict, o.reason])).toEqual([
      [0, 'redacted', undefined],
      [1, 'redacted', undefined],
      [2, 'masked', 'stale'],
    ]);
  });

  it('gives a cut (the picture changed) a detection of its own instead of boxes tracked from another scene', async () => {
    const { detector, out, gate } = setup(10);
    gate.push(frame(0));
    detector.calls.shift()!.resolve({ faces: [], plates: [], ms: 1 });
    await tick();
    gate.push(frame(1));
    // frame 2: a new scene (camera turned) with a face where the old scene had none
    gate.push(frame(2, 1080, 20));
    gate.push(frame(3, 1120, 20));
    expect(out.map((o) => o.frame.seq)).toEqual([0, 1]);
    expect(detector.calls).toHaveLength(1);
    detector.answerFace();
    await tick();
    expect(out.map((o) => [o.frame.seq, o.verdict])).toEqual([
      [0, 'redacted'],
      [1, 'redacted'],
      [2, 'redacted'],
      [3, 'redacted'],
    ]);
    expect(faceVisible(out[2].frame) || faceVisible(out[3].frame)).toBe(false);
    expect(gate.stats.cuts).toBe(1);
  });

  it('holds a cut until its own detection, when another detection is still running', async () => {
    const { detector, out, gate } = setup(10);
    gate.push(frame(0));
    detector.calls.shift()!.resolve({ faces: [], plates: [], ms: 1 });
    await tick();
    for (let i = 1; i <= 10; i++) gate.push(frame(i));
    // frame 10 went to detection (detectEvery 10); the cut arrives while it runs
    gate.push(frame(11, 1440, 20));
    detector.calls.shift()!.resolve({ faces: [], plates: [], ms: 1 });
    await tick();
    expect(out.map((o) => o.frame.seq)).toEqual([...Array(11).keys()]);
    expect(detector.calls).toHaveLength(1);
    expect(detector.calls[0].frame.width).toBe(160);
    detector.answerFace();
    await tick();
    expect(out.map((o) => o.frame.seq)).toContain(11);
    expect(faceVisible(out[11].frame)).toBe(false);
  });

  describe('pacing', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    /** 25 fps for `n` frames; each detection answers `detectMs` after it was asked. Returns each frame's delay in the gate. */
    async function run(pace: boolean, n: number, detectMs: number): Promise<number[]> {
      const { detector, out, gate } = setup(4, 250, pace);
      const pushedAt = new Map<number, number>();
      const delays: number[] = [];
      const asked = new Map<object, number>();
      for (let seq = 0; seq < n; seq++) {
        pushedAt.set(seq, Date.now());
        gate.push(frame(seq, Date.now()));
        for (const c of detector.calls) if (!asked.has(c)) asked.set(c, Date.now());
        for (let ms = 0; ms < 40; ms++) {
          const due = detector.calls.find((c) => Date.now() - asked.get(c)! >= detectMs);
          if (due) {
            detector.calls.splice(detector.calls.indexOf(due), 1);
            due.resolve({ faces: [{ box: [50, 40, 80, 70], score: 0.9 }], plates: [], ms: detectMs });
            await tick();
          }
          await jest.advanceTimersByTimeAsync(1);
          while (delays.length < out.length) delays.push(Date.now() - 1 - pushedAt.get(out[delays.length].frame.seq)!);
        }
      }
      gate.close();
      expect(out.map((o) => o.verdict)).toEqual(out.map(() => 'redacted'));
      return delays;
    }

    it('without it, holds only the frames being detected: one frame in four waits for its detection', async () => {
      const delays = (await run(false, 40, 30)).slice(8);
      expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThanOrEqual(29);
    });

    it('releases every frame the same time after it came in: the detection round trip', async () => {
      const delays = (await run(true, 40, 30)).slice(8);
      expect(delays.length).toBeGreaterThan(25);
      for (const d of delays) expect(d).toBeGreaterThanOrEqual(29);
      expect(Math.max(...delays) - Math.min(...delays)).toBeLessThanOrEqual(2);
    });

    it('holds nothing while detection fails: masked frames leave at once', async () => {
      const { detector, out, gate } = setup(4, 250, true);
      gate.push(frame(0, Date.now()));
      await jest.advanceTimersByTimeAsync(30);
      detector.answerFace();
      await tick();
      expect(gate.paceMs).toBe(30);
      gate.push(frame(1, Date.now()));
      expect(out).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(30);
      expect(out.map((o) => [o.frame.seq, o.verdict])).toEqual([
        [0, 'redacted'],
        [1, 'redacted'],
      ]);
      for (let i = 2; i <= 4; i++) gate.push(frame(i, Date.now()));
      detector.fail();
      await tick();
      gate.push(frame(5, Date.now()));
      expect(out.map((o) => [o.frame.seq, o.verdict])).toEqual([
        [0, 'redacted'],
        [1, 'redacted'],
        [2, 'masked'],
        [3, 'masked'],
        [4, 'masked'],
        [5, 'masked'],
      ]);
    });
  });

  it('never lets a clear frame out, whatever the detector does', async () => {
    const { detector, out, gate } = setup(2, 250);
    const actions = ['face', 'fail', 'face', 'empty', 'fail', 'fail', 'face'];
    let seq = 0;
    for (const a of actions) {
      gate.push(frame(seq++));
      gate.push(frame(seq++));
      while (detector.calls.length) {
        if (a === 'face') detector.answerFace();
        else if (a === 'fail') detector.fail('timeout');
        else detector.calls.shift()!.resolve({ faces: [], plates: [], ms: 1 });
      }
      await tick();
    }
    // 'empty' (the detector found nothing) is a valid answer: those frames may show the pattern,
    // which is what the detector is for; every other frame must hide it.
    const emptyFrames = new Set([6, 7]);
    expect(out.map((o) => o.frame.seq)).toEqual([...Array(seq).keys()]);
    for (const o of out) if (!emptyFrames.has(o.frame.seq)) expect([o.frame.seq, faceVisible(o.frame)]).toEqual([o.frame.seq, false]);
  });
  describe('when the stream changes resolution', () => {
    /** The same picture at twice the size: the face at twice the coordinates. */
    function bigFrame(seq: number, at = 1000 + seq * 40): DecodedFrame {
      const w = W * 2;
      const h = H * 2;
      const data = Buffer.alloc(i420Size(w, h), 128);
      for (let y = FACE[1] * 2; y < FACE[3] * 2; y++) for (let x = FACE[0] * 2; x < FACE[2] * 2; x++) data[y * w + x] = (x + y) % 2 ? 250 : 5;
      return { data, width: w, height: h, seq, pts: seq * 40, at };
    }
    function bigFaceVisible(f: DecodedFrame): boolean {
      const w = f.width;
      for (let y = FACE[1] * 2; y < FACE[3] * 2 - 1; y++) {
        for (let x = FACE[0] * 2; x < FACE[2] * 2 - 1; x++) {
          if (Math.abs(f.data[y * w + x] - f.data[y * w + x + 1]) > 200 && Math.abs(f.data[y * w + x] - f.data[(y + 1) * w + x]) > 200) return true;
        }
      }
      return false;
    }

    it('gives the first frame of the new size a detection of its own: boxes of the old size are not used', async () => {
      const { detector, out, gate } = setup(3);
      gate.push(frame(0));
      detector.answerFace();
      await tick();
      expect(out.map((o) => o.verdict)).toEqual(['redacted']);
      // the camera switches to 640x480: the old boxes would sit on the wrong pixels
      gate.push(bigFrame(1));
      gate.push(bigFrame(2));
      await tick();
      // held for a detection of the new size (not released with the old boxes)
      expect(out).toHaveLength(1);
      expect(detector.calls).toHaveLength(1);
      detector.answerFace();
      await tick();
      gate.push(bigFrame(3));
      await tick();
      expect(out.map((o) => [o.frame.seq, o.verdict])).toEqual([
        [0, 'redacted'],
        [1, 'redacted'],
        [2, 'redacted'],
        [3, 'redacted'],
      ]);
      expect(out.slice(1).every((o) => !bigFaceVisible(o.frame))).toBe(true);
    });

    it('does not use a detection of the old size that was still running when the size changed', async () => {
      const { detector, out, gate } = setup(3);
      gate.push(frame(0));
      gate.push(bigFrame(1));
      gate.push(bigFrame(2));
      // the small frame's detection is abandoned: that frame leaves masked, never clear
      expect(out.map((o) => [o.frame.seq, o.verdict])).toEqual([[0, 'masked']]);
      expect(detector.calls).toHaveLength(2);
      // the old-size detection comes back with the face where it was in the small picture: ignored
      detector.answerFace();
      await tick();
      expect(out).toHaveLength(1);
      detector.answerFace();
      await tick();
      gate.push(bigFrame(3));
      await tick();
      expect(out.map((o) => [o.frame.seq, o.verdict])).toEqual([
        [0, 'masked'],
        [1, 'redacted'],
        [2, 'redacted'],
        [3, 'redacted'],
      ]);
      expect(out.slice(1).every((o) => !bigFaceVisible(o.frame))).toBe(true);
    });
  });
});
