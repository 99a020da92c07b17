/**
 * Typed argument vectors for video files (the anonymizer's file redaction): probe, decode to raw
 * yuv420p, encode MP4 (no shell: values never need quoting, and tests can check them).
 */
const COMMON = ['-hide_banner', '-nostdin', '-loglevel', 'error'];

/** Streams and format of a file as JSON. */
export function fileProbeArgs(path: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path];
}

/**
 * Video file -> raw yuv420p frames on stdout, first video stream only, at its own size (rotation
 * metadata applied). Decode errors stop the run (-xerror), so a damaged file fails instead of
 * yielding a partial result.
 */
export function decodeRawArgs(path: string): string[] {
  return [...COMMON, '-xerror', '-i', path, '-map', '0:v:0', '-an', '-sn', '-dn', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'];
}

export interface EncodeMp4Options {
  width: number;
  height: number;
  /** Frame rate as ffmpeg reads it, e.g. '25' or '30000/1001'. */
  fps: string;
  output: string;
  /** Copy the first audio stream of this file (re-encoded to AAC); absent: no audio. */
  audioFrom?: string;
  crf?: number;
  preset?: string;
}

/** Raw yuv420p frames on stdin -> H.264 MP4 with the index at the front (+faststart). */
export function encodeMp4Args(o: EncodeMp4Options): string[] {
  const args = [...COMMON, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${o.width}x${o.height}`, '-r', o.fps, '-i', 'pipe:0'];
  if (o.audioFrom) args.push('-i', o.audioFrom);
  args.push('-map', '0:v:0');
  if (o.audioFrom) args.push('-map', '1:a:0?', '-c:a', 'aac', '-b:a', '128k');
  else args.push('-an');
  args.push(
    // x264 needs even sizes; pad an odd edge by one pixel.
    '-vf',
    'pad=ceil(iw/2)*2:ceil(ih/2)*2',
    '-c:v',
    'libx264',
    '-preset',
    o.preset ?? 'veryfast',
    '-crf',
    String(o.crf ?? 20),
    '-pix_fmt',
    'yuv420p',
    '-map_metadata',
    '-1',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    o.output,
  );
  return args;
}
