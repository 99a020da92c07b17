import { Logger } from '@nestjs/common';
import { i420Size } from '@borderlens/redaction';
import { flvVideoTag } from '../ffmpeg/flv';
import { streamConfig } from '../ingest/video-source';
import { avcRecord } from '../testing/h264-fixtures';
import { FakeProcesses } from '../testing/fake-processes';
import type { DecodedFrame } from './decoded-frame';
import { FrameDecoder } from './frame-decoder';

function frame(pts: number, keyframe: boolean) {
  const nalus = Buffer.from([0, 0, 0, 2, keyframe ? 0x65 : 0x41, 7]);
  return { keyframe, dts: pts, pts, nalus, raw: flvVideoTag('frame', nalus, pts, keyframe) };
}

describe('FrameDecoder', () => {
  const config = streamConfig(avcRecord(), flvVideoTag('config', avcRecord(), 0, true));
  const size = i420Size(config.width, config.height);

  it("decodes the camera's frames since its keyframe when it starts mid-stream, and hands on only the newest", async () => {
    const processes = new FakeProcesses();
    const out: DecodedFrame[] = [];
    const d = new FrameDecoder('cam', processes, (f) => out.push(f));
    d.onConfig(config);
    d.catchUp([frame(0, true), frame(40, false), frame(80, false)]);
    d.push(frame(120, false));
    const ffmpeg = processes.of('ffmpeg')[0];
    // every frame went in: each needs the ones before it
    await new Promise((r) => setImmediate(r));
    expect(d.framesIn).toBe(4);
    for (let i = 0; i < 4; i++) ffmpeg.stdout.write(Buffer.alloc(size, i));
    await new Promise((r) => setImmediate(r));
    expect(out.map((f) => [f.pts, f.data[0]])).toEqual([
      [80, 2],
      [120, 3],
    ]);
    await d.stop();
  });

  it('ignores a catch-up that does not start at a keyframe, or would cost more than waiting for the next one', () => {
    const processes = new FakeProcesses();
    const d = new FrameDecoder('cam', processes, () => undefined);
    d.onConfig(config);
    d.catchUp([frame(40, false), frame(80, false)]);
    d.catchUp([frame(0, true), ...Array.from({ length: 60 }, (_, i) => frame(40 * (i + 1), false))]);
    expect(d.framesIn).toBe(0);
  });

  it('says once when frames go in and no picture comes out, with what ffmpeg said', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const processes = new FakeProcesses();
    const d = new FrameDecoder('cam', processes, () => undefined);
    d.onConfig(config);
    const ffmpeg = processes.of('ffmpeg')[0];
    ffmpeg.say('[h264 @ 0x1] decode_slice_header error');
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 99; i++) d.push(frame(i * 40, i % 25 === 0));
    expect(warn).not.toHaveBeenCalled();
    for (let i = 99; i < 250; i++) d.push(frame(i * 40, i % 25 === 0));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/100 frames in and no picture out: .*decode_slice_header error/);
    // a picture out ends it; the next stall is reported again
    ffmpeg.stdout.write(Buffer.alloc(size));
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 100; i++) d.push(frame(i * 40, false));
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
    await d.stop();
  });
});
