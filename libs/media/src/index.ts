/** The one ffmpeg layer of the apps: typed arguments, spawning, probing, raw frame cutting. */
export * from './ffmpeg-args';
export * from './file-ffmpeg-args';
export * from './probe';
export * from './process.repository';
export * from './raw-frames';
