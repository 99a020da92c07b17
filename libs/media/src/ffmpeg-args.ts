/**
 * Typed builders for every ffmpeg/ffprobe command line the media node runs. Each returns the
 * argument vector (no shell), so values never need quoting and a test can check them.
 *
 * Between processes video travels as FLV on pipes: it frames every H.264 access unit with its size,
 * keyframe flag and timestamp, so nothing waits for the next frame to find where one ends.
 */
export type LogLevel = 'error' | 'warning' | 'info' | 'verbose' | 'debug';

export type RtspTransport = 'tcp' | 'udp';

export interface RtspInput {
  kind: 'rtsp';
  url: string;
  transport: RtspTransport;
  /** No packet for this long ends the process (camera gone). */
  timeoutSec: number;
}

export interface PushListenInput {
  kind: 'rtmp' | 'srt';
  host: string;
  port: number;
  /** SRT only: encrypt with this passphrase (AES-128); callers without it cannot connect. */
  passphrase?: string;
}

/** FLV arriving on stdin (from another process of ours). */
export interface FlvPipeInput {
  kind: 'flv-pipe';
}

export type VideoInput = RtspInput | PushListenInput | FlvPipeInput;

function common(level: LogLevel): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', level];
}

/**
 * Options that make ffmpeg start on the first packets instead of analysing the stream first (FLV
 * from us carries the codec configuration up front). Measured on a 100 kbit/s stream: first frame
 * after ~100 ms, against 2.6 s with a 32 KB probe; -fflags nobuffer made it slower (~1 s).
 */
const LOW_DELAY_INPUT = ['-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '0'];

/** Protocols an RTSP pull may use (the camera URL comes in a concat list on stdin). */
const RTSP_PROTOCOLS = 'pipe,rtsp,rtsps,tcp,udp,rtp,srtp,tls,crypto';

/**
 * The camera is named in a one-entry concat list written to stdin (rtspSourceList), never on the
 * command line: a URL with credentials in argv is readable by every local user in /proc/PID/cmdline.
 */
function rtspInputArgs(): string[] {
  return ['-protocol_whitelist', RTSP_PROTOCOLS, '-f', 'concat', '-safe', '0', '-i', 'pipe:0'];
}

/** The concat list naming an RTSP camera, with its options (written to the process's stdin). */
export function rtspSourceList(input: { url: string; transport: RtspTransport; timeoutSec: number }, lowDelay = true): string {
  return (
    [
      'ffconcat version 1.0',
      `file ${quoteConcat(input.url)}`,
      `option rtsp_transport ${input.transport}`,
      `option timeout ${input.timeoutSec * 1_000_000}`,
      ...(lowDelay ? ['option fflags nobuffer'] : []),
    ].join('\n') + '\n'
  );
}

function quoteConcat(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

export function inputArgs(input: VideoInput): string[] {
  switch (input.kind) {
    case 'rtsp':
      return rtspInputArgs();
    case 'rtmp':
      // The app name is fixed; the stream key is checked by us (ffmpeg only logs a mismatch).
      return ['-listen', '1', '-i', `rtmp://${hostForUrl(input.host)}:${input.port}/live/push`];
    case 'srt':
      return [
        '-i',
        `srt://${hostForUrl(input.host)}:${input.port}?mode=listener&transtype=live&latency=120000${input.passphrase ? `&passphrase=${encodeURIComponent(input.passphrase)}&pbkeylen=16` : ''}`,
      ];
    case 'flv-pipe':
      return [...LOW_DELAY_INPUT, '-f', 'flv', '-i', 'pipe:0'];
  }
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The first video stream copied (no re-encode) as FLV to stdout, flushed per packet. */
export function flvCopyOutputArgs(): string[] {
  return ['-map', '0:v:0', '-c:v', 'copy', '-an', '-f', 'flv', '-flvflags', 'no_duration_filesize', '-flush_packets', '1', 'pipe:1'];
}

/**
 * Ingest: one connection to the camera (or one accepted publisher), its video copied to stdout.
 * SRT and RTMP listeners log at debug/verbose so the publisher's key shows on stderr.
 */
export function ingestArgs(input: RtspInput | PushListenInput): string[] {
  const level: LogLevel = input.kind === 'srt' ? 'debug' : input.kind === 'rtmp' ? 'warning' : 'info';
  return [...common(level), ...inputArgs(input), ...flvCopyOutputArgs()];
}

export interface DecodeOptions {
  width: number;
  height: number;
}

/** Live decode: FLV (H.264) on stdin -> raw yuv420p frames of a fixed size on stdout. */
export function decodeArgs(o: DecodeOptions): string[] {
  return [
    ...common('error'),
    // slice threads only: frame threads would hold a frame or two back (measured: 39 ms median)
    '-thread_type',
    'slice',
    ...inputArgs({ kind: 'flv-pipe' }),
    '-map',
    '0:v:0',
    '-an',
    // Scale only if the stream's size differs from what we read (a camera changed resolution).
    '-vf',
    `scale=${o.width}:${o.height}:flags=fast_bilinear,format=yuv420p`,
    '-fps_mode',
    'passthrough',
    // ffmpeg's rawvideo "encoder" is frame-threaded: with more than one thread it hands frame N out
    // only when frame N+1 comes in (measured: 43 ms median at 25 fps, 3 ms with one thread).
    '-threads',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    'pipe:1',
  ];
}

export interface SampleOptions {
  /** Frames per second kept (the camera's own rate is thinned by ffmpeg's fps filter). */
  fps: number;
  width: number;
  height: number;
}

/**
 * Decoder options of analytics sampling: no deblocking (the loop filter), which the detector does
 * not need on a downscaled copy. Measured on a 720p25 stream: 17 ms of CPU per second of video
 * instead of 27.
 */
export const SAMPLE_DECODE_OPTIONS = ['-skip_loop_filter', 'all'];

/**
 * Analytics sampling: FLV (H.264) on stdin -> a few raw yuv420p frames per second, downscaled, on
 * stdout. Every frame is still decoded (H.264 needs them), but only the samples are scaled and
 * handed over, which is what keeps this cheap next to live decoding.
 */
export function sampleArgs(o: SampleOptions): string[] {
  return [
    ...common('error'),
    '-thread_type',
    'slice',
    '-threads',
    '1',
    ...SAMPLE_DECODE_OPTIONS,
    ...inputArgs({ kind: 'flv-pipe' }),
    '-map',
    '0:v:0',
    '-an',
    '-vf',
    `fps=${o.fps},scale=${o.width}:${o.height}:flags=fast_bilinear,format=yuv420p`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    'pipe:1',
  ];
}

export interface EncodeOptions {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  /** Frames between keyframes. */
  keyframeInterval: number;
}

/** x264 for the browser: constrained baseline, no B-frames, no lookahead. */
export function x264Args(o: EncodeOptions): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    `${o.bitrateKbps}k`,
    '-maxrate',
    `${o.bitrateKbps}k`,
    '-bufsize',
    `${Math.round(o.bitrateKbps / 2)}k`,
    '-g',
    String(o.keyframeInterval),
    '-keyint_min',
    String(o.keyframeInterval),
    '-sc_threshold',
    '0',
  ];
}

/** Live encode: raw yuv420p on stdin -> H.264 in FLV on stdout. */
export function encodeArgs(o: EncodeOptions): string[] {
  return [
    ...common('error'),
    // Timestamps here do not matter: FrameEncoder gives each picture its camera timestamp back.
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-s',
    `${o.width}x${o.height}`,
    '-framerate',
    String(o.fps),
    '-i',
    'pipe:0',
    ...x264Args(o),
    '-fps_mode',
    'passthrough',
    '-f',
    'flv',
    '-flvflags',
    'no_duration_filesize',
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}

/**
 * Recording: one segment file, FLV on stdin -> MPEG-TS, stream copy. MPEG-TS because a segment cut
 * short by a crash stays playable. The recorder starts one such process per segment (at a
 * keyframe), so it names files by the wall clock and knows where each one starts.
 */
export function segmentArgs(file: string): string[] {
  return [...common('error'), '-f', 'flv', '-i', 'pipe:0', '-map', '0:v:0', '-c:v', 'copy', '-an', '-f', 'mpegts', '-y', file];
}

/** ffprobe of a URL or file: streams and format as JSON on stdout. */
/** ffprobe of a file, or of an RTSP camera (then named on stdin by rtspSourceList, not here). */
export function probeArgs(target: string, rtsp?: { transport: RtspTransport; timeoutSec: number }): string[] {
  const args = ['-hide_banner', '-loglevel', 'error'];
  if (rtsp) args.push('-protocol_whitelist', RTSP_PROTOCOLS, '-f', 'concat', '-safe', '0');
  args.push('-select_streams', 'v:0', '-show_streams', '-show_format', '-of', 'json', rtsp ? 'pipe:0' : target);
  return args;
}

/** A concat-demuxer list: each segment with optional in/out points (seconds within it). */
export function concatList(entries: { file: string; inpoint?: number; outpoint?: number }[]): string {
  return (
    [
      'ffconcat version 1.0',
      ...entries.flatMap((e) => [
        `file ${quoteConcat(e.file)}`,
        ...(e.inpoint !== undefined ? [`inpoint ${e.inpoint.toFixed(3)}`] : []),
        ...(e.outpoint !== undefined ? [`outpoint ${e.outpoint.toFixed(3)}`] : []),
      ]),
    ].join('\n') + '\n'
  );
}

/** Clip, raw form: joined segments copied into an MP4 with the index at the front (fast start). */
export function clipCopyArgs(listFile: string, outFile: string): string[] {
  return [
    ...common('error'),
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    listFile,
    '-map',
    '0:v:0',
    '-c:v',
    'copy',
    '-an',
    '-movflags',
    '+faststart',
    '-progress',
    'pipe:1',
    '-f',
    'mp4',
    '-y',
    outFile,
  ];
}

/** Clip, anonymized form, first half: joined segments decoded to raw yuv420p on stdout. */
export function clipDecodeArgs(listFile: string, width: number, height: number): string[] {
  return [
    ...common('error'),
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    listFile,
    '-map',
    '0:v:0',
    '-an',
    '-vf',
    `scale=${width}:${height},format=yuv420p`,
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    'pipe:1',
  ];
}

/** Clip, anonymized form, second half: redacted frames on stdin -> H.264 MP4 with fast start. */
export function clipEncodeArgs(o: { width: number; height: number; fps: number; outFile: string }): string[] {
  return [
    ...common('error'),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-s',
    `${o.width}x${o.height}`,
    '-framerate',
    String(o.fps),
    '-i',
    'pipe:0',
    '-c:v',
    'libx264',
    '-preset',
    'superfast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    o.outFile,
  ];
}

/** Hides user:password in URLs before a line is logged (RTSP URLs carry camera credentials). */
export function redactCredentials(text: string): string {
  // Up to the last @ of the authority: a password may hold ' " : (and @ or % encoded).
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/gi, '$1***@');
}
