import { clipCopyArgs, concatList, decodeArgs, encodeArgs, ingestArgs, probeArgs, redactCredentials, rtspSourceList, segmentArgs } from './ffmpeg-args';

function after(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('ffmpeg argument builders', () => {
  it('pulls RTSP over TCP or UDP with a socket timeout, the camera named on stdin (never in argv), copying video to FLV on stdout', () => {
    const input = { kind: 'rtsp' as const, url: "rtsp://u%27s:p'a%40%3A%25@10.0.0.5/stream1", transport: 'tcp' as const, timeoutSec: 10 };
    const tcp = ingestArgs(input);
    expect(tcp.join(' ')).not.toContain('10.0.0.5');
    expect(after(tcp, '-f')).toBe('concat');
    expect(after(tcp, '-i')).toBe('pipe:0');
    expect(after(tcp, '-c:v')).toBe('copy');
    expect(tcp[tcp.length - 1]).toBe('pipe:1');
    expect(tcp).toContain('-an');
    expect(rtspSourceList(input)).toBe(
      "ffconcat version 1.0\nfile 'rtsp://u%27s:p'\\''a%40%3A%25@10.0.0.5/stream1'\noption rtsp_transport tcp\noption timeout 10000000\noption fflags nobuffer\n",
    );
    expect(rtspSourceList({ ...input, transport: 'udp', timeoutSec: 3 })).toContain('option rtsp_transport udp\noption timeout 3000000\n');
  });

  it('listens for RTMP and SRT publishers on the given address', () => {
    const rtmp = ingestArgs({ kind: 'rtmp', host: '127.0.0.1', port: 1935 });
    expect(after(rtmp, '-listen')).toBe('1');
    expect(after(rtmp, '-i')).toBe('rtmp://127.0.0.1:1935/live/push');
    const srt = ingestArgs({ kind: 'srt', host: '::1', port: 9000 });
    expect(after(srt, '-i')).toMatch(/^srt:\/\/\[::1\]:9000\?mode=listener/);
    // the publisher's stream id is only logged at debug level
    expect(after(srt, '-loglevel')).toBe('debug');
  });

  it('decodes FLV from stdin to raw yuv420p of a fixed size without buffering', () => {
    const a = decodeArgs({ width: 1280, height: 720 });
    expect(after(a, '-i')).toBe('pipe:0');
    expect(after(a, '-probesize')).toBe('32');
    expect(after(a, '-analyzeduration')).toBe('0');
    expect(after(a, '-pix_fmt')).toBe('yuv420p');
    expect(after(a, '-vf')).toContain('scale=1280:720');
    expect(a[a.length - 1]).toBe('pipe:1');
  });

  it('encodes for the browser: x264 ultrafast zerolatency baseline, keyframe interval, bitrate cap', () => {
    const a = encodeArgs({ width: 1280, height: 720, fps: 25, bitrateKbps: 2500, keyframeInterval: 25 });
    expect(after(a, '-s')).toBe('1280x720');
    expect(after(a, '-framerate')).toBe('25');
    expect(after(a, '-preset')).toBe('ultrafast');
    expect(after(a, '-tune')).toBe('zerolatency');
    expect(after(a, '-profile:v')).toBe('baseline');
    expect(after(a, '-g')).toBe('25');
    expect(after(a, '-maxrate')).toBe('2500k');
    expect(after(a, '-f')).toBe('rawvideo');
    expect(a[a.length - 1]).toBe('pipe:1');
  });

  it('records a segment as MPEG-TS by stream copy', () => {
    const a = segmentArgs('/rec/cam-1/20261122T101500.123Z.ts');
    expect(after(a, '-i')).toBe('pipe:0');
    expect(after(a, '-c:v')).toBe('copy');
    expect(a.slice(-4)).toEqual(['-f', 'mpegts', '-y', '/rec/cam-1/20261122T101500.123Z.ts']);
  });

  it('probes RTSP with the camera transport and a timeout', () => {
    const a = probeArgs('rtsp://u:p@cam/1', { transport: 'udp', timeoutSec: 5 });
    expect(a.join(' ')).not.toContain('cam/1');
    expect(a.slice(-1)).toEqual(['pipe:0']);
    expect(after(a, '-of')).toBe('json');
    expect(probeArgs('/x.ts').slice(-1)).toEqual(['/x.ts']);
    expect(probeArgs('/x.ts')).not.toContain('concat');
  });

  it('writes concat lists with quoting and in/out points, and clips with fast start', () => {
    expect(
      concatList([
        { file: "/r/it's.ts", inpoint: 1.5 },
        { file: '/r/b.ts', outpoint: 2 },
      ]),
    ).toBe("ffconcat version 1.0\nfile '/r/it'\\''s.ts'\ninpoint 1.500\nfile '/r/b.ts'\noutpoint 2.000\n");
    const c = clipCopyArgs('/tmp/l.txt', '/clips/x.mp4');
    expect(after(c, '-movflags')).toBe('+faststart');
    expect(after(c, '-c:v')).toBe('copy');
  });

  it('hides credentials in URLs before they reach a log', () => {
    expect(redactCredentials("Input #0, rtsp, from 'rtsp://admin:s3cret@10.1.1.1:554/s1':")).toBe("Input #0, rtsp, from 'rtsp://***@10.1.1.1:554/s1':");
    expect(redactCredentials('rtsp://10.1.1.1/s1: 401 Unauthorized')).toBe('rtsp://10.1.1.1/s1: 401 Unauthorized');
    // passwords holding ' " : and encoded @ %
    expect(redactCredentials("Impossible to open 'rtsp://op:it's\"a%3A%40%25@10.1.1.1/s1'")).toBe("Impossible to open 'rtsp://***@10.1.1.1/s1'");
  });
});
