/** The few H.264 bitstream facts the media node needs: config records, SPS size, NAL framing. */

export interface AvcConfig {
  profile: number;
  compatibility: number;
  level: number;
  /** Bytes of each NAL length prefix in frames (ffmpeg writes 4). */
  lengthSize: number;
  sps: Buffer[];
  pps: Buffer[];
}

export class H264FormatError extends Error {}

/** Parses an AVCDecoderConfigurationRecord (ISO/IEC 14496-15). */
export function parseAvcConfig(rec: Buffer): AvcConfig {
  if (rec.length < 7 || rec[0] !== 1) throw new H264FormatError('invalid AVC decoder configuration record');
  const lengthSize = (rec[4] & 0x03) + 1;
  let off = 5;
  const sps: Buffer[] = [];
  const pps: Buffer[] = [];
  const nSps = rec[off++] & 0x1f;
  for (let i = 0; i < nSps; i++) {
    const len = rec.readUInt16BE(off);
    sps.push(rec.subarray(off + 2, off + 2 + len));
    off += 2 + len;
  }
  const nPps = rec[off++];
  for (let i = 0; i < nPps; i++) {
    const len = rec.readUInt16BE(off);
    pps.push(rec.subarray(off + 2, off + 2 + len));
    off += 2 + len;
  }
  if (off > rec.length || !sps.length || !pps.length) throw new H264FormatError('AVC configuration without SPS/PPS');
  return { profile: rec[1], compatibility: rec[2], level: rec[3], lengthSize, sps, pps };
}

/** profile-level-id as written in SDP, e.g. 42e01f. */
export function profileLevelId(c: Pick<AvcConfig, 'profile' | 'compatibility' | 'level'>): string {
  return [c.profile, c.compatibility, c.level].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** NAL units of a length-prefixed buffer. */
export function splitNalus(buf: Buffer, lengthSize = 4): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off + lengthSize <= buf.length) {
    const len = buf.readUIntBE(off, lengthSize);
    off += lengthSize;
    if (len === 0 || off + len > buf.length) break;
    out.push(buf.subarray(off, off + len));
    off += len;
  }
  return out;
}

/** NAL units joined with 4-byte length prefixes. */
export function joinNalus(nalus: Buffer[]): Buffer {
  const out = Buffer.alloc(nalus.reduce((n, x) => n + 4 + x.length, 0));
  let off = 0;
  for (const n of nalus) {
    out.writeUInt32BE(n.length, off);
    n.copy(out, off + 4);
    off += 4 + n.length;
  }
  return out;
}

export function nalType(nal: Buffer): number {
  return nal[0] & 0x1f;
}

/** Rewrites frames with another prefix size to 4 bytes (what the RTP packetizer expects). */
export function toFourByteLengths(buf: Buffer, lengthSize: number): Buffer {
  return lengthSize === 4 ? buf : joinNalus(splitNalus(buf, lengthSize));
}

class BitReader {
  private pos = 0;
  constructor(private readonly b: Buffer) {}
  bit(): number {
    const byte = this.pos >> 3;
    if (byte >= this.b.length) throw new H264FormatError('SPS ends early');
    const v = (this.b[byte] >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return v;
  }
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) throw new H264FormatError('bad exp-Golomb code');
    return 2 ** zeros - 1 + this.bits(zeros);
  }
  se(): number {
    const k = this.ue();
    return k & 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** Removes emulation-prevention bytes (00 00 03 -> 00 00). */
function unescapeRbsp(nal: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

export interface SpsInfo {
  profileIdc: number;
  levelIdc: number;
  width: number;
  height: number;
}

/** Picture size from a sequence parameter set (cropping applied). */
export function parseSps(nal: Buffer): SpsInfo {
  if (nalType(nal) !== 7) throw new H264FormatError('not an SPS NAL unit');
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profileIdc = r.bits(8);
  r.bits(8);
  const levelIdc = r.bits(8);
  r.ue();
  let chromaFormatIdc = 1;
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) r.bit();
    r.ue();
    r.ue();
    r.bit();
    if (r.bit()) {
      for (let i = 0; i < (chromaFormatIdc !== 3 ? 8 : 12); i++) {
        if (r.bit()) {
          let last = 8;
          let next = 8;
          for (let j = 0; j < (i < 6 ? 16 : 64); j++) {
            if (next !== 0) next = (last + r.se() + 256) % 256;
            last = next === 0 ? last : next;
          }
        }
      }
    }
  }
  r.ue();
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.bit();
    r.se();
    r.se();
    const n = r.ue();
    for (let i = 0; i < n; i++) r.se();
  }
  r.ue();
  r.bit();
  const wMbs = r.ue() + 1;
  const hMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (!frameMbsOnly) r.bit();
  r.bit();
  let [cl, cr, ct, cb] = [0, 0, 0, 0];
  if (r.bit()) [cl, cr, ct, cb] = [r.ue(), r.ue(), r.ue(), r.ue()];
  const subW = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
  const subH = chromaFormatIdc === 1 ? 2 : 1;
  const cropUnitX = chromaFormatIdc === 0 ? 1 : subW;
  const cropUnitY = (chromaFormatIdc === 0 ? 1 : subH) * (2 - frameMbsOnly);
  return {
    profileIdc,
    levelIdc,
    width: wMbs * 16 - cropUnitX * (cl + cr),
    height: (2 - frameMbsOnly) * hMapUnits * 16 - cropUnitY * (ct + cb),
  };
}

/** first_mb_in_slice of a slice NAL unit (0: the slice starts a picture). */
export function firstMbInSlice(nal: Buffer): number {
  return new BitReader(nal.subarray(1, 9)).ue();
}

export function isSlice(nal: Buffer): boolean {
  const t = nalType(nal);
  return t >= 1 && t <= 5;
}
