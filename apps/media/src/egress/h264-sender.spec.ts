import { streamConfig } from '../ingest/video-source';
import { flvVideoTag } from '../ffmpeg/flv';
import { splitNalus } from '../h264/h264';
import { avcRecord, PPS, SPS_720 } from '../testing/h264-fixtures';
import { H264Sender } from './h264-sender';

function frame(pts: number, keyframe: boolean) {
  const nalus = Buffer.from([0, 0, 0, 2, keyframe ? 0x65 : 0x41, 7]);
  return { keyframe, dts: pts, pts, nalus, raw: Buffer.alloc(0) };
}

describe('H264Sender', () => {
  const config = streamConfig(avcRecord(), flvVideoTag('config', avcRecord(), 0, true));

  it('waits for a keyframe, puts SPS/PPS in front of it, and stamps 90 kHz RTP time from the pictures', () => {
    const sent: [Buffer, number][] = [];
    const s = new H264Sender({ send: (b, ts) => (sent.push([b, ts]), true) }, 1000);
    s.onConfig(config);
    s.onFrame(frame(0, false));
    s.onFrame(frame(40, true));
    s.onFrame(frame(80, false));
    expect(sent.map(([, ts]) => ts)).toEqual([1000, 1000 + 3600]);
    expect(splitNalus(sent[0][0]).map((n) => n[0] & 31)).toEqual([7, 8, 5]);
    expect(splitNalus(sent[0][0])[0].equals(SPS_720)).toBe(true);
    expect(splitNalus(sent[0][0])[1].equals(PPS)).toBe(true);
    expect(splitNalus(sent[1][0]).map((n) => n[0] & 31)).toEqual([1]);
    expect(s.dropped).toBe(1);
  });

  it('keeps its clock running smoothly across a new stream (reconnect or form switch)', () => {
    const sent: number[] = [];
    const s = new H264Sender({ send: (_b, ts) => (sent.push(ts), true) }, 0);
    s.onConfig(config);
    s.onFrame(frame(5000, true));
    s.onFrame(frame(5040, false));
    // the new stream's timestamps start elsewhere; RTP time goes on one frame later
    s.onConfig(config);
    s.onFrame(frame(40, false));
    s.onFrame(frame(120, true));
    s.onFrame(frame(160, false));
    expect(sent).toEqual([0, 3600, 7200, 10800]);
  });

  it('keeps the frames from the first keyframe until the connection is open, then sends them at once, one tick apart', () => {
    let open = false;
    const sent: [Buffer, number][] = [];
    const s = new H264Sender({ send: (b, ts) => (open ? (sent.push([b, ts]), true) : false) }, 0);
    s.onConfig(config);
    s.onFrame(frame(0, false));
    s.onFrame(frame(40, true));
    s.onFrame(frame(80, false));
    expect(sent).toEqual([]);
    open = true;
    s.onFrame(frame(120, false));
    // the catch-up: the keyframe (with SPS/PPS) and what follows it, then live time from the newest
    s.onFrame(frame(160, false));
    expect(sent.map(([, ts]) => ts)).toEqual([0, 1, 2, 2 + 3600]);
    expect(splitNalus(sent[0][0]).map((n) => n[0] & 31)).toEqual([7, 8, 5]);
    expect(s.frames).toBe(4);
    expect(s.dropped).toBe(1);
  });

  it('waits for the transport to say it is open, and sends the start when told', () => {
    const t = { open: false, sent: [] as number[], send: (_b: Buffer, ts: number) => (t.sent.push(ts), true) };
    const s = new H264Sender(t, 0);
    s.onConfig(config);
    s.onFrame(frame(0, true));
    s.onFrame(frame(40, false));
    expect(t.sent).toEqual([]);
    t.open = true;
    s.flush();
    expect(t.sent).toEqual([0, 1]);
  });

  it('starts a viewer who joins a running stream with its frames since the latest keyframe', () => {
    const sent: [Buffer, number][] = [];
    const s = new H264Sender({ send: (b, ts) => (sent.push([b, ts]), true) }, 0);
    s.onConfig(config, [frame(1000, true), frame(1040, false), frame(1080, false)]);
    s.onFrame(frame(1120, false));
    expect(sent.map(([, ts]) => ts)).toEqual([0, 1, 2, 2 + 3600]);
    expect(splitNalus(sent[0][0]).map((n) => n[0] & 31)).toEqual([7, 8, 5]);
  });

  it('starts again at the next keyframe when a frame of the start is lost', () => {
    let n = 0;
    const sent: number[] = [];
    const s = new H264Sender({ send: (_b, ts) => (++n === 2 ? false : (sent.push(ts), true)) }, 0);
    s.onConfig(config, [frame(0, true), frame(40, false), frame(80, false)]);
    s.onFrame(frame(120, false));
    s.onFrame(frame(160, true));
    expect(sent).toEqual([0, 3600]);
  });
});
