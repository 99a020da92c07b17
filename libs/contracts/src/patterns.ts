/** Message patterns between the apps: one name per call, used by client and server alike. */
export const ServiceName = { gateway: 'gateway', media: 'media', anonymizer: 'anonymizer' } as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

export const Patterns = {
  anonymizer: {
    health: 'anonymizer.health',
    detect: 'anonymizer.detect',
    redact: 'anonymizer.redact',
    /** Count persons and vehicles in a sampled frame of a camera with analytics on (AnalyzeRequest -> AnalyzeReply). */
    analyze: 'anonymizer.analyze',
  },
  media: {
    health: 'media.health',
    /** A grant changed: end or downgrade the sessions using it (GrantChange). */
    grantChanged: 'media.grant-changed',
    /** Start exporting a clip from recordings in the background (ClipExportRequest -> ClipExportStatus, state 'exporting'). */
    clipExport: 'media.clip-export',
    /** How an export goes ({clipId} -> ClipExportStatus: progress, then path, bytes, sha256, or error). */
    clipStatus: 'media.clip-status',
    /** A piece of a finished clip file ({clipId, offset, length} -> ClipChunk), for the gateway's download. */
    clipRead: 'media.clip-read',
    /** Erase a clip file ({clipId} -> {deleted}): its download expired or the request was withdrawn. */
    clipDelete: 'media.clip-delete',
    /** One anonymized still of a camera's recordings at a time (RecordingStillRequest -> RecordingStill). */
    recordingStill: 'media.recording-still',
    /** Try a camera's RTSP URL once: codec and picture size, or why it fails (CameraProbeRequest -> CameraProbeResult). */
    cameraProbe: 'media.camera-probe',
    /** A camera was disabled or enabled: stop its ingest, or take it up again (CameraDisabledChange -> {stopped}). */
    cameraDisabled: 'media.camera-disabled',
  },
  gateway: {
    health: 'gateway.health',
    /** Camera ingest settings, with decrypted credentials (CameraIngestInfo). */
    cameraIngest: 'gateway.camera-ingest',
    /** Cameras this media node should record continuously (CameraIngestInfo[]). */
    camerasToRecord: 'gateway.cameras-to-record',
    /** Camera state changes observed by a media node (CameraStateReport). */
    cameraState: 'gateway.camera-state',
    /** Push key of a drone or mobile unit -> camera id, refused when unknown or revoked (PushKeyLookup). */
    resolvePushKey: 'gateway.resolve-push-key',
    /** A finished recording segment to index (RecordingSegmentReport). */
    recordingSegment: 'gateway.recording-segment',
    /** Segments of this media node past their camera's retention and under no legal hold (ExpiredSegmentsQuery -> ExpiredSegment[]). */
    expiredSegments: 'gateway.expired-segments',
    /** The media node deleted these segment files; the gateway removes them from the index and audits the erasure (SegmentsErased). */
    segmentsErased: 'gateway.segments-erased',
    /** WHEP sessions started and ended, and refused WHEP attempts, on a media node, for the audit trail (WhepAuditReport). */
    whepEvents: 'gateway.whep-events',
    /** Cameras whose analytics run continuously, with their zones and lines (-> AnalyticsCamera[]). */
    analyticsCameras: 'gateway.analytics-cameras',
    /** Finished per-minute counts and the latest live counts from an anonymizer (AnalyticsMinutesReport). */
    analyticsMinutes: 'gateway.analytics-minutes',
  },
} as const;

type ValuesOf<T> = T extends Record<string, infer V> ? (V extends string ? V : ValuesOf<V>) : never;
/** Every message pattern between the apps. */
export type Pattern = ValuesOf<typeof Patterns>;

const { gateway, media, anonymizer } = ServiceName;

/**
 * Which app may call which pattern: enforced on receipt (a signed call from an app not listed is
 * refused) and rendered into the NATS subject permissions (scripts/nats-config.js,
 * deploy/nats/nats-server.conf). The app that serves a pattern is its prefix. A new pattern must be
 * added here: the type makes a missing entry a compile error.
 */
export const PatternCallers: { readonly [P in Pattern]: readonly ServiceName[] } = {
  [Patterns.anonymizer.health]: [gateway, media],
  [Patterns.anonymizer.detect]: [media],
  [Patterns.anonymizer.redact]: [media],
  [Patterns.anonymizer.analyze]: [media],
  [Patterns.media.health]: [gateway],
  [Patterns.media.grantChanged]: [gateway],
  [Patterns.media.clipExport]: [gateway],
  [Patterns.media.clipStatus]: [gateway],
  [Patterns.media.clipRead]: [gateway],
  [Patterns.media.clipDelete]: [gateway],
  [Patterns.media.recordingStill]: [gateway],
  [Patterns.media.cameraProbe]: [gateway],
  [Patterns.media.cameraDisabled]: [gateway],
  [Patterns.gateway.health]: [],
  [Patterns.gateway.cameraIngest]: [media],
  [Patterns.gateway.camerasToRecord]: [media],
  [Patterns.gateway.cameraState]: [media],
  [Patterns.gateway.resolvePushKey]: [media],
  [Patterns.gateway.recordingSegment]: [media],
  [Patterns.gateway.expiredSegments]: [media],
  [Patterns.gateway.segmentsErased]: [media],
  [Patterns.gateway.analyticsCameras]: [media],
  [Patterns.gateway.whepEvents]: [media],
  [Patterns.gateway.analyticsMinutes]: [anonymizer],
};

/** The app that serves `pattern` (its prefix), or undefined for a name outside the table. */
export function patternOwner(pattern: string): ServiceName | undefined {
  if (!Object.prototype.hasOwnProperty.call(PatternCallers, pattern)) return undefined;
  const owner = pattern.slice(0, pattern.indexOf('.'));
  return (Object.values(ServiceName) as string[]).includes(owner) ? (owner as ServiceName) : undefined;
}

/** Whether `caller` may call `pattern` (the table above). */
export function mayCall(caller: string, pattern: string): boolean {
  if (!patternOwner(pattern)) return false;
  return (PatternCallers[pattern as Pattern] as readonly string[]).includes(caller);
}
