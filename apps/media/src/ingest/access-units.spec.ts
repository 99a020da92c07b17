import { FlvDemuxer, FLV_HEADER, flvVideoTag, type VideoFrame } from '../ffmpeg/flv';
import { joinNalus, splitNalus } from '../h264/h264';
import { AccessUnitAssembler, cleanAccessUnit } from './access-units';

/** A slice NAL unit: byte 0x80 after the header codes first_mb_in_slice 0, 0x40 codes 1. */
function slice(dts: number, key: boolean, byte: number, firstMb0 = true): VideoFrame {
  const nalus = Buffer.from([0, 0, 0, 3, key ? 0x65 : 0x41, firstMb0 ? 0x80 : 0x40, byte]);
  return { keyframe: key, dts, pts: dts, nalus, raw: flvVideoTag('frame', nalus, dts, key) };
}

describe('AccessUnitAssembler', () => {
  it('passes single-slice pictures on at once, untouched', () => {
    const out: VideoFrame[] = [];
    const a = new AccessUnitAssembler((f) => out.push(f));
    const f0 = slice(0, true, 1);
    a.push(f0);
    a.push(slice(40, false, 2));
    expect(out.map((f) => f.dts)).toEqual([0, 40]);
    expect(out[0]).toBe(f0);
    expect(a.multiSlice).toBe(false);
  });

  it('joins the slices of a picture once the stream shows several per picture, with a matching FLV tag', async () => {
    const out: VideoFrame[] = [];
    const a = new AccessUnitAssembler((f) => out.push(f), 5);
    a.push(slice(0, true, 1));
    a.push(slice(0, true, 2, false));
    a.push(slice(40, false, 3));
    a.push(slice(40, false, 4, false));
    a.push(slice(80, false, 5));
    // picture 0 went out alone before the stream was known to be multi-slice; from then on whole pictures
    expect(a.multiSlice).toBe(true);
    expect(out.map((f) => [f.dts, f.nalus.length])).toEqual([
      [0, 7],
      [0, 7],
      [40, 14],
    ]);
    await new Promise((r) => setTimeout(r, 20));
    expect(out.map((f) => f.dts)).toEqual([0, 0, 40, 80]);
    const back: VideoFrame[] = [];
    new FlvDemuxer({ onConfig: () => undefined, onFrame: (f) => back.push(f) }).push(Buffer.concat([FLV_HEADER, out[2].raw]));
    expect(back[0].nalus.equals(out[2].nalus)).toBe(true);
  });
});

describe('cleanAccessUnit', () => {
  it('keeps one SPS/PPS before the slices and drops the ones ffmpeg repeats between slices', () => {
    const sps = Buffer.from([0x67, 1]);
    const pps = Buffer.from([0x68, 2]);
    const idr1 = Buffer.from([0x65, 3]);
    const idr2 = Buffer.from([0x65, 4]);
    const au = [sps, pps, sps, pps, idr1, sps, pps, idr2, Buffer.from([0x09, 0])];
    expect(cleanAccessUnit(au).map((n) => n.toString('hex'))).toEqual(['6701', '6802', '6503', '6504']);
  });

  it('is applied when slices are joined', () => {
    const out: VideoFrame[] = [];
    const a = new AccessUnitAssembler((f) => out.push(f));
    const part = (dts: number, nals: Buffer[]) => ({ keyframe: true, dts, pts: dts, nalus: joinNalus(nals), raw: Buffer.alloc(0) });
    // a picture in two slices in one tag: the stream is multi-slice
    a.push(part(0, [Buffer.from([0x41, 0x80]), Buffer.from([0x41, 0x40])]));
    a.push(part(40, [Buffer.from([0x67, 1]), Buffer.from([0x68, 2]), Buffer.from([0x65, 0x80])]));
    a.push(part(40, [Buffer.from([0x67, 1]), Buffer.from([0x68, 2]), Buffer.from([0x65, 0x40])]));
    a.flush();
    expect(splitNalus(out[1].nalus).map((n) => n.toString('hex'))).toEqual(['6701', '6802', '6580', '6540']);
  });
});
