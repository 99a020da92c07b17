import { decodeRawArgs, encodeMp4Args, fileProbeArgs as probeArgs } from './file-ffmpeg-args';

describe('ffmpeg arguments', () => {
  it('probes streams as JSON', () => {
    expect(probeArgs('/v/in.mp4')).toEqual(['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', '/v/in.mp4']);
  });

  it('decodes the first video stream to raw yuv420p on stdout, failing on decode errors', () => {
    const a = decodeRawArgs('in put.mp4');
    expect(a).toContain('-xerror');
    expect(a.slice(a.indexOf('-i'), a.indexOf('-i') + 2)).toEqual(['-i', 'in put.mp4']);
    expect(a.slice(-5)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
  });

  it('encodes H.264 MP4 with faststart and no audio by default', () => {
    const a = encodeMp4Args({ width: 1280, height: 720, fps: '25/1', output: 'out.mp4' });
    expect(a.join(' ')).toContain('-f rawvideo -pix_fmt yuv420p -s 1280x720 -r 25/1 -i pipe:0');
    expect(a).toContain('-an');
    expect(a.join(' ')).toContain('-c:v libx264');
    expect(a.join(' ')).toContain('-movflags +faststart');
    expect(a.slice(-2)).toEqual(['-y', 'out.mp4']);
  });

  it('keeps the first audio stream of the source when asked', () => {
    const a = encodeMp4Args({ width: 2, height: 2, fps: '30000/1001', output: 'o.mp4', audioFrom: 'in.mp4' }).join(' ');
    expect(a).toContain('-i pipe:0 -i in.mp4 -map 0:v:0 -map 1:a:0? -c:a aac');
    expect(a).not.toContain('-an');
  });
});
