/** What the gateway tells media nodes about cameras, and what media nodes report back. */
export type CameraKind = 'fixed' | 'mobile' | 'drone';
export type CameraState = 'online' | 'offline' | 'error';

export type CameraIngest =
  /** Pulled from the camera; url includes the decrypted credentials (never logged). */
  | { type: 'rtsp'; url: string; rtspTransport: 'tcp' | 'udp' }
  /** Pushed by a drone or mobile unit with its per-camera key. */
  | { type: 'push'; protocol: 'rtmp' | 'srt' };

export interface CameraIngestInfo {
  id: string;
  name: string;
  kind: CameraKind;
  ingest: CameraIngest;
  recordingEnabled: boolean;
  retentionDays: number;
  redaction: { method?: 'blur' | 'pixelate' | 'fill'; padding?: number };
}

export interface CameraStateReport {
  cameraId: string;
  state: CameraState;
  reason?: string;
}

export interface PushKeyLookup {
  key: string;
}

export interface RecordingSegmentReport {
  cameraId: string;
  /** Name of the media node holding the file (defaults to 'media'). */
  mediaNode?: string;
  /** Path relative to the media node's recording directory. */
  path: string;
  startedAt: string;
  endedAt: string;
  bytes: number;
}

export interface ExpiredSegmentsQuery {
  mediaNode?: string;
  /** At most this many per call (default 500). */
  limit?: number;
}

export interface ExpiredSegment {
  id: string;
  cameraId: string;
  path: string;
}

export interface SegmentsErased {
  /** Ids from ExpiredSegment whose files are gone. */
  ids: string[];
}

/** Gateway -> media: a grant was revoked or downgraded (incident ended, policy changed). */
/** Gateway -> every media node (Patterns.media.cameraDisabled): the camera's administrators disabled or enabled it. */
export interface CameraDisabledChange {
  cameraId: string;
  disabled: boolean;
}

export interface GrantChange {
  jti: string;
  action: 'end' | 'downgrade';
  reason: string;
}

/** Media -> gateway: one camera's ingest settings (Patterns.gateway.cameraIngest). */
export interface CameraIngestRequest {
  cameraId: string;
}

/** Reply to Patterns.gateway.resolvePushKey (the call fails when the key is unknown or revoked). */
export interface PushKeyReply {
  cameraId: string;
}

/** Gateway -> media: export a clip of a camera's recordings (see docs/media.md; pattern media.clip-export). */
export interface ClipExportRequest {
  /** The clip request's id; also names the file. */
  clipId: string;
  cameraId: string;
  /** ISO times, from < to. */
  from: string;
  to: string;
  form: 'raw' | 'anonymized';
  /** Burned into every frame when set (obligation watermark). */
  watermark?: string;
}

/** State of a clip export (pattern media.clip-status, by clipId). */
export interface ClipExportStatus {
  clipId: string;
  state: 'exporting' | 'ready' | 'failed';
  /** 0..1 while exporting. */
  progress: number;
  /** When ready: path relative to the media node's clip directory, size, SHA-256 (hex), length. */
  path?: string;
  bytes?: number;
  sha256?: string;
  durationSec?: number;
  error?: string;
}

/** Reply to Patterns.media.clipRead: `data` is base64 of at most CLIP_CHUNK_BYTES from `offset`. */
export interface ClipChunk {
  clipId: string;
  offset: number;
  /** Size of the whole file. */
  bytes: number;
  data: string;
}

/** Largest piece of a clip file per call (keeps each message under NATS' default 1 MB limit after base64). */
export const CLIP_CHUNK_BYTES = 512 * 1024;

/** Gateway -> media: a still of a camera's recordings at a time (Patterns.media.recordingStill). */
export interface RecordingStillRequest {
  cameraId: string;
  /** ISO time. */
  at: string;
  /** Width of the JPEG (height follows the aspect ratio). */
  width?: number;
}

/** An anonymized JPEG (base64); `masked` when detection failed and the whole picture was covered. */
export interface RecordingStill {
  cameraId: string;
  at: string;
  jpeg: string;
  masked: boolean;
}

/** Gateway -> media: try a camera's RTSP URL once, without pulling it (Patterns.media.cameraProbe). */
export interface CameraProbeRequest {
  /** rtsp/rtsps URL, with credentials when the camera has them. */
  url: string;
  rtspTransport?: 'tcp' | 'udp';
}

/** What the camera sends (codec, picture size, frame rate), or why it cannot be used: a fixed text, never the raw network error. */
export interface CameraProbeResult {
  ok: boolean;
  codec?: string;
  profile?: string;
  width?: number;
  height?: number;
  fps?: number;
  reason?: string;
  /** How long the probe took. */
  ms: number;
}
