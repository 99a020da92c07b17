import type { Box } from './box';
import { i420Size } from './i420';
import { AnonymizingPipeline, DetectionFailed, type PipelineFrame, type PipelineOutput, type PipelinePolicy } from './pipeline';

const W = 32;
const H = 32;
/** Where the "face" sits when a frame shows one. */
const FACE: Box = [8, 8, 16, 16];
const FILL = 16;
const GREY = 100;

function frame(seq: number, face: boolean, at = 1000 + seq * 40): PipelineFrame {
  const data = Buffer.alloc(i420Size(W, H), GREY);
  if (face) for (let y = FACE[1]; y < FACE[3]; y++) data.fill(250, y * W + FACE[0], y * W + FACE[2]);
  return { data, width: W, height: H, seq, at };
}
/** The face's centre pixel (luma) as written out. */
const centre = (f: PipelineFrame) => f.data[12 * W + 12];
const faceShown = (f: PipelineFrame) => centre(f) === 250;

/** A detector answered by the test: finds the face where the frame shows one, or fails. */
class FakeDetector {
  calls: { seq: number; showsFace: boolean; resolve: (b: Box[]) => void; reject: (e: Error) => void }[] = [];
  running = 0;
  maxRunning = 0;
  readonly detect = (f: PipelineFrame): Promise<Box[]> => {
    // The pixels are read at once, as the real detectors' copies are.
    const showsFace = faceShown(f);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<Box[]>((resolve, reject) => this.calls.push({ seq: f.seq, showsFace, resolve, reject })).finally(() => this.running--);
  };
  get asked(): number[] {
    return this.calls.map((c) => c.seq);
  }
  answer(): void {
    const c = this.calls.shift()!;
    c.resolve(c.showsFace ? [[...FACE]] : []);
  }
  fail(message = 'anonymizer down'): void {
    this.calls.shift()!.reject(new Error(message));
  }
}

const tick = () => new Promise((r) => setImmediate(r));

/** Answers every detection as it comes until `done` settles. */
async function answering<T>(d: FakeDetector, done: Promise<T>): Promise<T> {
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    while (d.calls.length) d.answer();
    await tick();
  }
  return done;
}

function setup(policy: PipelinePolicy) {
  const detector = new FakeDetector();
  const out: PipelineOutput[] = [];
  const failed: Error[] = [];
  const pipeline = new AnonymizingPipeline(detector.detect, policy, { method: 'fill', padding: 0 }, (o) => void out.push(o), { onFailed: (e) => failed.push(e) });
  return { detector, out, pipeline, failed };
}

describe('AnonymizingPipeline', () => {
  describe('live policy', () => {
    const live = (detectEvery: number, budgetMs = 250): PipelinePolicy => ({ kind: 'live', detectEvery, budgetMs });

    it('detects every Nth frame, one at a time, and holds the frames from a detected one on until it is back', async () => {
      const { detector, out, pipeline } = setup(live(3));
      for (let i = 0; i < 3; i++) pipeline.push(frame(i, true));
      expect(detector.asked).toEqual([0]);
      expect(out).toHaveLength(0);
      detector.answer();
      await tick();
      expect(out.map((o) => [o.frame.seq, o.verdict])).toEqual([
        [0, 'redacted'],
        [1, 'redacted'],
        [2, 'redacted'],
      ]);
      for (let i = 3; i < 6; i++) pipeline.push(frame(i, true));
      expect(detector.asked).toEqual([3]);
      detector.answer();
      await tick();
      expect(out).toHaveLength(6);
      expect(out.every((o) => !faceShown(o.frame) && centre(o.frame) === FILL)).toBe(true);
      expect(pipeline.stats).toMatchObject({ frames: 6, redacted: 6, masked: 0, detections: 2 });
    });

    it('masks a frame whose latest detection is older than the budget (stale)', async () => {
      const { detector, out, pipeline } = setup(live(10, 100));
      pipeline.push(frame(0, true, 1000));
      detector.answer();
      await tick();
      pipeline.push(frame(1, true, 1050));
      pipeline.push(frame(2, true, 1200));
      expect(out.map((o) => [o.frame.seq, o.verdict, o.reason])).toEqual([
        [0, 'redacted', undefined],
        [1, 'redacted', undefined],
        [2, 'masked', 'stale'],
      ]);
      expect(out.every((o) => !faceShown(o.frame))).toBe(true);
      expect(pipeline.stats.maskedBy.stale).toBe(1);
    });

    it('masks every frame while the detector fails, without waiting, and redacts again once it is back', async () => {
      const { detector, out, pipeline, failed } = setup(live(2));
      pipeline.push(frame(0, true));
      detector.fail();
      await tick();
      expect(pipeline.status).toBe('degraded');
      expect(pipeline.lastError).toBe('anonymizer down');
      for (let i = 1; i < 4; i++) pipeline.push(frame(i, true));
      expect(out.map((o) => [o.frame.seq, o.verdict, o.reason])).toEqual([0, 1, 2, 3].map((s) => [s, 'masked', 'anonymizer-down']));
      // a live pipeline never fails: it masks
      expect(failed).toHaveLength(0);
      detector.answer();
      await tick();
      expect(pipeline.status).toBe('ok');
      pipeline.push(frame(4, true));
      if (detector.calls.length) detector.answer();
      await tick();
      expect(out.slice(4).map((o) => o.verdict)).toEqual(['redacted']);
      expect(out.every((o) => !faceShown(o.frame))).toBe(true);
    });

    it('releases frames evenly with pacing: each the round trip after it came in', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      try {
        const { detector, out, pipeline } = setup({ kind: 'live', detectEvery: 4, budgetMs: 250, pace: true });
        pipeline.push(frame(0, false, Date.now()));
        await jest.advanceTimersByTimeAsync(30);
        detector.answer();
        await tick();
        expect(pipeline.paceMs).toBe(30);
        pipeline.push(frame(1, false, Date.now()));
        await jest.advanceTimersByTimeAsync(29);
        expect(out).toHaveLength(1);
        await jest.advanceTimersByTimeAsync(1);
        expect(out.map((o) => o.frame.seq)).toEqual([0, 1]);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('file policy', () => {
    const file = (cover: 'neighbours' | 'own', extra: Partial<PipelinePolicy> = {}): PipelinePolicy => ({ kind: 'file', detectEvery: 4, cover, ...extra }) as PipelinePolicy;

    /** 10 frames, the face from frame 1 on: pushed, ended, every detection answered. */
    async function run(cover: 'neighbours' | 'own', extra: Partial<PipelinePolicy> = {}) {
      const s = setup(file(cover, extra));
      for (let i = 0; i < 10; i++) s.pipeline.push(frame(i, i >= 1));
      await answering(s.detector, s.pipeline.end());
      return s;
    }

    it("detects every Nth frame and the last; 'neighbours' covers a detected frame with the detections around it too", async () => {
      const { out, pipeline } = await run('neighbours');
      expect(pipeline.stats.detections).toBe(4); // 0, 4, 8 and the last (9)
      expect(out.map((o) => o.frame.seq)).toEqual([...Array(10).keys()]);
      expect(out.every((o) => !faceShown(o.frame))).toBe(true);
      // frame 0 shows no face, yet frame 4's boxes cover it (look-ahead)
      expect(centre(out[0].frame)).toBe(FILL);
    });

    it("'own' gives a detected frame only its own boxes, and the frames before a detection its boxes", async () => {
      const { out, pipeline } = await run('own');
      expect(pipeline.stats.detections).toBe(4);
      expect(out.every((o) => !faceShown(o.frame))).toBe(true);
      for (let n = 1; n < 10; n++) expect(centre(out[n].frame)).toBe(FILL);
      expect(centre(out[0].frame)).toBe(GREY);
    });

    it('writes a frame only once the detection after it is back', async () => {
      const { detector, out, pipeline } = setup(file('neighbours'));
      for (let i = 0; i < 6; i++) pipeline.push(frame(i, true));
      expect(detector.asked).toEqual([0, 4]);
      detector.answer();
      await tick();
      expect(out).toHaveLength(0);
      detector.answer();
      await tick();
      // frames 0-3 have the detection after them; 4 and 5 wait for frame 8's (or the end)
      expect(out.map((o) => o.frame.seq)).toEqual([0, 1, 2, 3]);
      expect(pipeline.held).toBe(2);
    });

    it('fails the job on a failed detection: no frame is written after it, the caller is told', async () => {
      const { detector, out, pipeline, failed } = setup(file('neighbours'));
      for (let i = 0; i < 9; i++) pipeline.push(frame(i, true));
      detector.answer();
      detector.fail('timeout');
      const ended = pipeline.end();
      while (detector.calls.length) detector.answer();
      await expect(ended).rejects.toThrow(DetectionFailed);
      await expect(ended).rejects.toThrow('timeout');
      expect(failed.map((e) => e.message)).toEqual(['timeout']);
      expect(out).toHaveLength(0);
      expect(pipeline.status).toBe('degraded');
      // frames keep coming from a decoder that has not stopped yet: they are neither detected nor written
      pipeline.push(frame(9, true));
      await tick();
      expect(detector.calls).toHaveLength(0);
      expect(out).toHaveLength(0);
    });

    it('tries a detection again when the policy allows more than one try', async () => {
      const { detector, out, pipeline } = setup(file('neighbours', { attempts: 2 }));
      for (let i = 0; i < 5; i++) pipeline.push(frame(i, true));
      detector.fail();
      await tick();
      expect(detector.asked).toEqual([4, 0]);
      const ended = answering(detector, pipeline.end());
      await ended;
      expect(out).toHaveLength(5);
      expect(pipeline.stats).toMatchObject({ detections: 2, failures: 1 });
    });

    it('runs at most maxInFlight detections at once, and holds back the decoder with heldBelow', async () => {
      const { detector, out, pipeline } = setup(file('own', { maxInFlight: 1 }));
      for (let i = 0; i < 9; i++) pipeline.push(frame(i, i % 2 === 0));
      await tick();
      expect(detector.asked).toEqual([0]);
      let below = false;
      void pipeline.heldBelow(5).then(() => (below = true));
      await answering(detector, pipeline.end());
      expect(detector.maxRunning).toBe(1);
      expect(below).toBe(true);
      expect(out.map((o) => o.frame.seq)).toEqual([...Array(9).keys()]);
      expect(out.every((o) => !faceShown(o.frame))).toBe(true);
    });
  });
});
