import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BorderlensConfig } from '@borderlens/config';
import { flvVideoTag } from '../ffmpeg/flv';
import { streamConfig } from '../ingest/video-source';
import { FakeProcesses, waitFor } from '../testing/fake-processes';
import { avcRecord } from '../testing/h264-fixtures';
import { Recorder, type FinishedSegment } from './recorder';
import { SegmentStore, segmentStart } from './segment.store';

function frame(dts: number, keyframe: boolean) {
  const raw = flvVideoTag('frame', Buffer.from([0, 0, 0, 2, keyframe ? 0x65 : 0x41, 1]), dts, keyframe);
  return { keyframe, dts, pts: dts, nalus: raw.subarray(16, raw.length - 4), raw };
}

describe('Recorder', () => {
  const root = mkdtempSync(join(tmpdir(), 'bl-rec-unit-'));
  const store = new SegmentStore({ dataDir: root, media: { recordingDir: '' } } as BorderlensConfig);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const config = streamConfig(avcRecord(), flvVideoTag('config', avcRecord(), 0, true));

  function setup() {
    // a writer exits when its input ends, like ffmpeg
    const processes = new FakeProcesses((c) => (c.stdin.writableFinished ? c.exit(0) : c.stdin.on('finish', () => c.exit(0))));
    const done: FinishedSegment[] = [];
    const rec = new Recorder('cam-1', processes, store, 2, (s) => done.push(s));
    return { processes, done, rec };
  }

  it('starts at a keyframe, cuts at the first keyframe after segmentSec, one writer per segment, stream copy to MPEG-TS', async () => {
    const { processes, done, rec } = setup();
    rec.onConfig(config);
    rec.onFrame(frame(0, false));
    expect(processes.spawned).toHaveLength(0);
    for (let t = 40; t <= 5000; t += 40) rec.onFrame(frame(t, t % 1000 === 40));
    // keyframes at 40, 1040, ...: segments start at 40, 2040, 4040
    expect(processes.spawned).toHaveLength(3);
    const args = processes.spawned[0].args;
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-c:v') + 2)).toEqual(['-c:v', 'copy']);
    expect(args).toContain('mpegts');
    await rec.stop();
    await waitFor(() => done.length === 3, 2000, 'segments');
    for (const s of done) {
      expect(s.file.path).toMatch(/^cam-1\/\d{8}T\d{6}\.\d{3}Z\.ts$/);
      expect(segmentStart(s.file.name)!.getTime()).toBe(s.file.startedAt.getTime());
      expect(s.endedAt.getTime()).toBeGreaterThanOrEqual(s.file.startedAt.getTime());
    }
    // each writer got the FLV header and the configuration before its first keyframe
    expect(processes.spawned[1].stdinData[0].subarray(0, 3).toString()).toBe('FLV');
  });

  it('closes the open segment when the camera drops or reconnects with a new stream', async () => {
    const { processes, done, rec } = setup();
    rec.onConfig(config);
    rec.onFrame(frame(0, true));
    rec.onFrame(frame(40, false));
    rec.onEnd();
    await waitFor(() => done.length === 1, 2000, 'segment at outage');
    // last frame at 40 ms: the segment is 80 ms long (one more frame interval)
    expect(done[0].endedAt.getTime() - done[0].file.startedAt.getTime()).toBe(80);
    rec.onConfig(config);
    rec.onFrame(frame(0, true));
    rec.onConfig(config);
    await waitFor(() => done.length === 2, 2000, 'segment at new stream');
    expect(processes.spawned).toHaveLength(2);
    await rec.stop();
  });
});

describe('SegmentStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'bl-store-unit-'));
  const store = new SegmentStore({ dataDir: root, media: { recordingDir: '' } } as BorderlensConfig);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('only deletes segment files inside the recording directory', () => {
    expect(store.remove('cam-1/20261122T101500.123Z.ts')).toBe(true);
    expect(store.remove('../cam-1/20261122T101500.123Z.ts')).toBe(false);
    expect(store.remove('/etc/passwd')).toBe(false);
    expect(store.remove('cam-1/reported.log')).toBe(false);
    expect(store.remove('a/b/20261122T101500.123Z.ts')).toBe(false);
  });

  it('names segment files by their start time to the millisecond', () => {
    const f = store.newFile('cam-2', new Date('2026-11-22T10:15:00.123Z'));
    expect(f).toMatchObject({ name: '20261122T101500.123Z.ts', path: 'cam-2/20261122T101500.123Z.ts' });
    expect(() => store.newFile('../x', new Date())).toThrow(/cannot name a folder/);
  });
});
