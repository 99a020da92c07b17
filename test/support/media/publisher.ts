import { spawn, type ChildProcess } from 'node:child_process';

/** A simulated drone or mobile camera: ffmpeg publishing a test pattern, H.264, for `seconds` (RTMP as flv, SRT as mpegts). */
export function publish(url: string, format: 'flv' | 'mpegts', seconds = 120): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=25',
      '-t',
      String(seconds),
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      '25',
      '-f',
      format,
      url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))), stderr: () => err };
}
