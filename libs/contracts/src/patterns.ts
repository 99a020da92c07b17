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
    /** Cameras whose analytics run continuously, with their zones and lines (-> AnalyticsCamera[]). */
    analyticsCameras: 'gateway.analytics-cameras',
    /** Finished per-minute counts and the latest live counts from an anonymizer (AnalyticsMinutesReport). */
    analyticsMinutes: 'gateway.analytics-minutes',
  },
} as const;
