/**
 * Every configuration option of BorderLens, in one place: its path in `borderlens.yml`, the
 * environment variable that overrides it, its default and what it means. `borderlens.yml` at the
 * repository root documents the same list (a unit test keeps the two in step).
 */
export type OptionType = 'string' | 'int' | 'number' | 'bool' | 'list';

export interface OptionSpec {
  path: string;
  env: string;
  type: OptionType;
  default: string | number | boolean | string[];
  doc: string;
  /** Allowed values for enumerations. */
  oneOf?: string[];
  min?: number;
  max?: number;
}

/**
 * The default of cameras.allowedNetworks: the private ranges camera networks use (RFC 1918, shared
 * address space RFC 6598, IPv6 unique local RFC 4193). A camera on a public address must be listed
 * by the installer on purpose.
 */
export const DEFAULT_CAMERA_NETWORKS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

export const OPTIONS: OptionSpec[] = [
  // general
  { path: 'dataDir', env: 'BORDERLENS_DATA_DIR', type: 'string', default: './.data', doc: 'Directory for the embedded database, recordings, clips and generated keys.' },
  { path: 'logLevel', env: 'LOG_LEVEL', type: 'string', default: 'info', oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], doc: 'Log level of all apps (JSON lines on stdout).' },
  { path: 'seedDemoData', env: 'BORDERLENS_SEED_DEMO', type: 'bool', default: true, doc: 'Seed the five partner organisations and demo cameras on an empty database.' },
  { path: 'demo.cameras', env: 'BORDERLENS_DEMO_CAMERAS', type: 'bool', default: true, doc: 'npm start also streams two seeded demo cameras (a fixed camera over RTSP from 127.0.0.1, a drone over RTMP with its push key; apps/demo), set up through the API as the demo administrators. The demo camera\'s own address (127.0.0.1:demo.rtspPort) is then allowed although it is loopback. Turn off in production.' },
  { path: 'demo.rtspPort', env: 'BORDERLENS_DEMO_RTSP_PORT', type: 'int', default: 8554, min: 1, max: 65535, doc: 'Loopback port of the demo fixed camera (RTSP).' },

  // gateway
  { path: 'gateway.host', env: 'GATEWAY_HOST', type: 'string', default: '127.0.0.1', doc: 'Address the HTTP API listens on.' },
  { path: 'gateway.port', env: 'GATEWAY_PORT', type: 'int', default: 3000, min: 0, max: 65535, doc: 'HTTP port of the API and UI (0 picks a free port).' },
  { path: 'gateway.publicUrl', env: 'GATEWAY_PUBLIC_URL', type: 'string', default: 'http://127.0.0.1:3000', doc: 'URL under which browsers reach the gateway.' },
  { path: 'gateway.bodyLimit', env: 'GATEWAY_BODY_LIMIT', type: 'string', default: '256kb', doc: 'Largest accepted JSON request body.' },
  { path: 'gateway.webDir', env: 'GATEWAY_WEB_DIR', type: 'string', default: './dist/web', doc: 'The built web application (npm run build), served at / beside the API. Empty: no web application.' },

  // web application
  { path: 'web.tileUrl', env: 'WEB_TILE_URL', type: 'string', default: '', doc: 'Map tiles for production, as a URL template with {z}/{x}/{y} (e.g. a tile server of your own). Empty: the offline base layer shipped with the project (country borders and the region\'s towns, Natural Earth via world-atlas), so the browser asks no other server.' },
  { path: 'web.tileAttribution', env: 'WEB_TILE_ATTRIBUTION', type: 'string', default: '', doc: 'Attribution shown on the map for web.tileUrl (required by most tile licences).' },

  // database
  { path: 'database.url', env: 'DATABASE_URL', type: 'string', default: '', doc: 'PostgreSQL connection URL. Empty: embedded PGlite under dataDir/db.' },
  { path: 'database.embeddedPort', env: 'DATABASE_EMBEDDED_PORT', type: 'int', default: 54329, min: 0, max: 65535, doc: 'Number of the unix socket (dataDir/run/.s.PGSQL.<n>, directory mode 0700) where the embedded PGlite accepts connections from the other BorderLens processes of the same user; no TCP port is opened (0: this process only).' },
  { path: 'database.poolSize', env: 'DATABASE_POOL_SIZE', type: 'int', default: 10, min: 1, max: 200, doc: 'Connections to PostgreSQL (the embedded PGlite always uses 1).' },
  { path: 'database.migrationUrl', env: 'DATABASE_MIGRATION_URL', type: 'string', default: '', doc: 'PostgreSQL URL of the owner role that runs the migrations and grants database.url\'s role what the apps need: only SELECT and INSERT on the audit trail, so the apps cannot alter, truncate or disable its triggers. Empty: database.url runs the migrations (its role owns the tables).' },

  // transport between apps
  { path: 'transport.natsUrl', env: 'NATS_URL', type: 'string', default: '', doc: 'NATS server URL for calls between the apps. Empty: TCP on transport.host.' },
  { path: 'transport.host', env: 'TRANSPORT_HOST', type: 'string', default: '127.0.0.1', doc: 'Address of the TCP transport (loopback on one machine).' },
  { path: 'transport.mediaPort', env: 'TRANSPORT_MEDIA_PORT', type: 'int', default: 4011, min: 1, max: 65535, doc: 'TCP transport port of the media node.' },
  { path: 'transport.anonymizerPort', env: 'TRANSPORT_ANONYMIZER_PORT', type: 'int', default: 4012, min: 1, max: 65535, doc: 'TCP transport port of the anonymizer.' },
  { path: 'transport.gatewayPort', env: 'TRANSPORT_GATEWAY_PORT', type: 'int', default: 4010, min: 1, max: 65535, doc: 'TCP transport port of the gateway (camera state reports from media nodes).' },
  { path: 'transport.timeoutMs', env: 'TRANSPORT_TIMEOUT_MS', type: 'int', default: 5000, min: 50, max: 600000, doc: 'How long a call between the apps may take before it fails.' },
  { path: 'transport.keyDir', env: 'SERVICE_KEY_DIR', type: 'string', default: '', doc: 'Directory of the apps\' Ed25519 keys that sign every call and reply between them: <app>.key (this app\'s private key, PKCS#8 PEM, mode 0600) and <app>.pub (every app\'s public key). In production give each app only its own .key. Empty: dataDir/service-keys, generated on first start.' },
  { path: 'transport.natsUser', env: 'NATS_USER', type: 'string', default: '', doc: 'NATS user of this app. Empty: the app\'s name (gateway, media, anonymizer), as in deploy/nats/nats-server.conf.' },
  { path: 'transport.natsPassword', env: 'NATS_PASSWORD', type: 'string', default: '', doc: 'NATS password of this app. Empty: read from transport.keyDir/<app>.nats-password when that file exists, else none.' },
  { path: 'transport.natsCaFile', env: 'NATS_CA_FILE', type: 'string', default: '', doc: 'CA certificate (PEM) that signed the NATS server\'s certificate. Set: TLS is required on the NATS connection.' },

  // identity
  { path: 'keycloak.issuer', env: 'KEYCLOAK_ISSUER', type: 'string', default: '', doc: 'Issuer URL of an existing Keycloak realm. Empty: the local Keycloak started by scripts/keycloak.sh.' },
  { path: 'keycloak.localPort', env: 'KEYCLOAK_PORT', type: 'int', default: 8180, min: 1, max: 65535, doc: 'HTTP port of the local Keycloak.' },
  { path: 'keycloak.version', env: 'KEYCLOAK_VERSION', type: 'string', default: '26.4.0', doc: 'Keycloak version downloaded from Maven Central for the local instance.' },
  { path: 'keycloak.cacheDir', env: 'KEYCLOAK_CACHE_DIR', type: 'string', default: '~/.cache/borderlens', doc: 'Where the Keycloak download and its data live (outside the repository).' },
  { path: 'keycloak.audience', env: 'KEYCLOAK_AUDIENCE', type: 'string', default: 'borderlens-gateway', doc: 'Audience that access tokens must carry.' },
  { path: 'keycloak.algorithms', env: 'KEYCLOAK_ALGORITHMS', type: 'list', default: ['RS256', 'PS256', 'ES256'], doc: 'Token signature algorithms accepted.' },
  { path: 'keycloak.clockToleranceSec', env: 'KEYCLOAK_CLOCK_TOLERANCE', type: 'int', default: 5, min: 0, max: 300, doc: 'Allowed clock skew when checking exp and nbf.' },
  { path: 'keycloak.webClientId', env: 'KEYCLOAK_WEB_CLIENT', type: 'string', default: 'borderlens-web', doc: 'Public client the browser UI signs in with.' },

  // cameras
  { path: 'cameras.allowedNetworks', env: 'CAMERAS_ALLOWED_NETWORKS', type: 'list', default: DEFAULT_CAMERA_NETWORKS, doc: 'CIDR ranges camera hosts must fall within, checked when a camera is registered and again by the media node at every connection. Default: the private ranges camera networks use; list public camera addresses explicitly.' },
  { path: 'cameras.allowSpecialNetworks', env: 'CAMERAS_ALLOW_SPECIAL_NETWORKS', type: 'list', default: [], doc: 'Loopback, link-local, metadata or unspecified ranges that cameras may still use (refused unless listed).' },
  { path: 'cameras.defaultRetentionDays', env: 'CAMERAS_DEFAULT_RETENTION_DAYS', type: 'int', default: 30, min: 1, max: 3650, doc: 'Retention of a camera that does not set its own.' },
  { path: 'cameras.ledReviewDays', env: 'CAMERAS_LED_REVIEW_DAYS', type: 'number', default: 90, min: 0.0001, max: 1095, doc: 'Cameras of organisations under the Law Enforcement Directive: the owner\'s legal officer reviews the need to keep their recordings and clips under legal hold this often (LED Art. 5; CJEU C-118/22); a review not recorded by then is overdue. Counted from the camera\'s registration, then from the latest review.' },

  // incidents
  { path: 'incidents.maxDurationHours', env: 'INCIDENTS_MAX_DURATION_HOURS', type: 'int', default: 24, min: 1, max: 720, doc: 'Longest an incident may run from now: its planned end, and each extension, must lie within this many hours.' },
  { path: 'incidents.maxRadiusKm', env: 'INCIDENTS_MAX_RADIUS_KM', type: 'number', default: 50, min: 0.01, max: 1000, doc: 'An incident area must fit within this distance of its centre (keeps one incident from covering a whole country by mistake).' },
  { path: 'incidents.bordersFile', env: 'INCIDENTS_BORDERS_FILE', type: 'string', default: '', doc: "Country borders that give an incident its jurisdiction: a GeoJSON FeatureCollection or TopoJSON file whose features carry an ISO 3166-1 alpha-2 code in properties.country (or ISO_A2, iso_a2). Empty: Natural Earth 1:10m boundaries shipped in the world-atlas package." },
  { path: 'incidents.checkIntervalSec', env: 'INCIDENTS_CHECK_INTERVAL_SEC', type: 'number', default: 2, min: 0.2, max: 300, doc: 'How often incidents past their planned end expire and live raw grants are re-decided; also how soon a gateway sees incidents and policy versions changed by another gateway.' },
  // clip requests
  { path: 'audit.checkpointEvery', env: 'AUDIT_CHECKPOINT_EVERY', type: 'int', default: 100, min: 1, max: 1000000, doc: 'The gateway signs the audit chain head (a checkpoint) after this many new entries ...' },
  { path: 'audit.checkpointIntervalSec', env: 'AUDIT_CHECKPOINT_INTERVAL_SEC', type: 'number', default: 300, min: 0.1, max: 86400, doc: '... or this long after the last checkpoint, when entries were added. npm run audit:verify checks the checkpoints; partners keep copies (GET /api/v1/audit/checkpoints).' },
  { path: 'clips.downloadDays', env: 'CLIPS_DOWNLOAD_DAYS', type: 'number', default: 7, min: 0.0001, max: 365, doc: 'A ready clip can be downloaded this long; then its file is erased (audited) and the link answers 410, unless the request is under legal hold.' },
  { path: 'clips.deadlineUrgentHours', env: 'CLIPS_DEADLINE_URGENT_HOURS', type: 'number', default: 8, min: 0.01, max: 720, doc: 'Answer deadline of an urgent request between police forces of two countries (Directive (EU) 2023/977, Art. 5: 8 hours).' },
  { path: 'clips.deadlineDays', env: 'CLIPS_DEADLINE_DAYS', type: 'number', default: 7, min: 0.01, max: 90, doc: 'Answer deadline of other requests between police forces of two countries (Directive (EU) 2023/977, Art. 5: 3 days for information held directly, 7 days otherwise).' },
  { path: 'clips.checkIntervalSec', env: 'CLIPS_CHECK_INTERVAL_SEC', type: 'number', default: 2, min: 0.1, max: 300, doc: 'How often the gateway starts approved exports, follows running ones on the media node and erases expired clips.' },
  { path: 'clips.maxExportAttempts', env: 'CLIPS_MAX_EXPORT_ATTEMPTS', type: 'int', default: 3, min: 1, max: 20, doc: 'An export lost by a media node restart is started again this many times in all, then the request fails.' },

  // security
  { path: 'security.encryptionKey', env: 'ENCRYPTION_KEY', type: 'string', default: '', doc: 'Base64 of 32 bytes; encrypts camera ingest credentials at rest. Empty: generated once into dataDir/encryption-key.' },

  // anonymizer
  { path: 'anonymizer.modelDir', env: 'ANONYMIZER_MODEL_DIR', type: 'string', default: '../shared/models', doc: 'Directory holding face/ and plate/ ONNX models and SHA256SUMS (every model is checked against it at start). Fill it with: npm run models:download -- DIR.' },
  { path: 'anonymizer.faceModel', env: 'ANONYMIZER_FACE_MODEL', type: 'string', default: 'face/yunet_n_dynamic.onnx', doc: 'Face detector (YuNet, dynamic input size), relative to modelDir.' },
  { path: 'anonymizer.plateModel', env: 'ANONYMIZER_PLATE_MODEL', type: 'string', default: 'plate/license_plate_detection_lpd_yunet_2023mar_dynamic.onnx', doc: 'Licence-plate detector (LPD-YuNet, dynamic input size), relative to modelDir.' },
  { path: 'anonymizer.faceThreshold', env: 'ANONYMIZER_FACE_THRESHOLD', type: 'number', default: 0.1, min: 0, max: 1, doc: 'Face score threshold (0..1); lower finds more faces and more false ones. Tuned for recall on the evaluation set (0.1: 0.90 of faces >= 16 px).' },
  { path: 'anonymizer.plateThreshold', env: 'ANONYMIZER_PLATE_THRESHOLD', type: 'number', default: 0.2, min: 0, max: 1, doc: 'Plate score threshold (0..1). The model was trained on Chinese plates; its usual 0.9 misses most European plates.' },
  { path: 'anonymizer.faceInputWidth', env: 'ANONYMIZER_FACE_INPUT_WIDTH', type: 'int', default: 640, min: 32, max: 4096, doc: 'Stills and video files: width the picture is scaled to (up or down) for face detection; the height follows and both are padded to multiples of 32.' },
  { path: 'anonymizer.plateInputWidth', env: 'ANONYMIZER_PLATE_INPUT_WIDTH', type: 'int', default: 640, min: 32, max: 4096, doc: 'Stills and video files: width the picture is scaled to for plate detection.' },
  { path: 'anonymizer.liveFaceInputWidth', env: 'ANONYMIZER_LIVE_FACE_INPUT_WIDTH', type: 'int', default: 640, min: 32, max: 4096, doc: "Live frames (detect requests with mode 'live'): width for face detection." },
  { path: 'anonymizer.livePlateInputWidth', env: 'ANONYMIZER_LIVE_PLATE_INPUT_WIDTH', type: 'int', default: 320, min: 32, max: 4096, doc: "Live frames: width for plate detection (the plate model costs ~4x the face model per pixel)." },
  { path: 'anonymizer.objectModel', env: 'ANONYMIZER_OBJECT_MODEL', type: 'string', default: 'object/yolox_nano_dyn.onnx', doc: 'Person and vehicle detector for analytics (YOLOX-Nano, dynamic input size), relative to modelDir. Empty: this anonymizer does no analytics.' },
  { path: 'anonymizer.objectThreshold', env: 'ANONYMIZER_OBJECT_THRESHOLD', type: 'number', default: 0.3, min: 0, max: 1, doc: 'Score threshold (0..1) of persons and vehicles counted by analytics.' },
  { path: 'anonymizer.objectInputSize', env: 'ANONYMIZER_OBJECT_INPUT_SIZE', type: 'int', default: 640, min: 64, max: 4096, doc: 'Longest side of the analytics detector input (letterboxed, padded to multiples of 32): 640 puts a 16:9 frame in 640x384.' },
  { path: 'anonymizer.threads', env: 'ANONYMIZER_THREADS', type: 'int', default: 1, min: 1, max: 64, doc: 'onnxruntime threads inside one model call. 1 costs the least CPU per frame; more shorten one call a little on machines with cores to spare.' },
  { path: 'anonymizer.modelWorkers', env: 'ANONYMIZER_MODEL_WORKERS', type: 'int', default: 1, min: 0, max: 64, doc: 'Worker threads per model, each with its own session: the face and plate models of a frame run side by side, and calls beyond these queue. More help several cameras on machines with more cores. 0 runs the models on the main thread, one call at a time.' },
  { path: 'anonymizer.method', env: 'ANONYMIZER_METHOD', type: 'string', default: 'pixelate', oneOf: ['blur', 'pixelate', 'fill'], doc: 'Redaction method (cameras may override).' },
  { path: 'anonymizer.padding', env: 'ANONYMIZER_PADDING', type: 'number', default: 0.2, min: 0, max: 2, doc: 'Extra margin around each box, as a fraction of its size.' },
  { path: 'anonymizer.detectEvery', env: 'ANONYMIZER_DETECT_EVERY', type: 'int', default: 4, min: 1, max: 100, doc: 'Live video and video files: run detection on every Nth frame and track boxes in between (4 at 25 fps: every 160 ms; sized for the 15 ms CPU per 720p frame budget on 2 cores).' },
  { path: 'anonymizer.keepAudio', env: 'ANONYMIZER_KEEP_AUDIO', type: 'bool', default: false, doc: 'Video files: keep the audio track (re-encoded to AAC). Off by default: voices identify people too.' },
  { path: 'anonymizer.maxFileMb', env: 'ANONYMIZER_MAX_FILE_MB', type: 'int', default: 2048, min: 1, max: 1000000, doc: 'Largest image or video file accepted, in MiB.' },
  { path: 'anonymizer.maxPixels', env: 'ANONYMIZER_MAX_PIXELS', type: 'int', default: 40000000, min: 1, max: 1000000000, doc: 'Largest image or video frame accepted, in pixels (width x height).' },

  // analytics
  { path: 'analytics.sampleFps', env: 'ANALYTICS_SAMPLE_FPS', type: 'number', default: 2, min: 0.1, max: 10, doc: 'Frames per second sampled from each camera with analytics on (whether anyone watches or not) and counted by the anonymizer nodes.' },
  { path: 'analytics.sampleWidth', env: 'ANALYTICS_SAMPLE_WIDTH', type: 'int', default: 640, min: 64, max: 4096, doc: 'Width of the downscaled copy the media node sends for analytics.' },
  { path: 'analytics.minCount', env: 'ANALYTICS_MIN_COUNT', type: 'int', default: 3, min: 1, max: 100, doc: 'Counts between 1 and this minus one are shown as "<N" (0 stays 0), so a lone person at a remote crossing is not singled out.' },
  { path: 'analytics.retentionDays', env: 'ANALYTICS_RETENTION_DAYS', type: 'int', default: 730, min: 1, max: 3650, doc: 'How long per-minute counts are kept (aggregates with small counts suppressed are not personal data).' },
  { path: 'analytics.camerasRefreshSec', env: 'ANALYTICS_CAMERAS_REFRESH_SEC', type: 'number', default: 15, min: 0.2, max: 3600, doc: 'How often a media node asks the gateway which cameras have analytics on (and their zones and lines).' },
  { path: 'analytics.reportSec', env: 'ANALYTICS_REPORT_SEC', type: 'number', default: 2, min: 0.2, max: 60, doc: 'How often an anonymizer reports live counts and finished minutes to the gateway.' },

  // media
  { path: 'media.publicUrl', env: 'MEDIA_PUBLIC_URL', type: 'string', default: 'http://127.0.0.1:8889', doc: 'URL under which browsers reach the media node (WHEP).' },
  { path: 'media.host', env: 'MEDIA_HOST', type: 'string', default: '127.0.0.1', doc: 'Address the media node HTTP (WHEP) server listens on.' },
  { path: 'media.port', env: 'MEDIA_PORT', type: 'int', default: 8889, min: 0, max: 65535, doc: 'HTTP port of the media node (WHEP).' },
  { path: 'media.grantJwksUrl', env: 'MEDIA_GRANT_JWKS_URL', type: 'string', default: '', doc: 'Where the gateway publishes the keys that sign grants. Empty: gateway.publicUrl + /api/v1/grants/jwks.' },
  { path: 'media.iceServers', env: 'MEDIA_ICE_SERVERS', type: 'list', default: [], doc: 'STUN/TURN servers offered to WebRTC sessions, e.g. turn:user:password@turn.example.org:3478.' },
  { path: 'media.iceBindAddress', env: 'MEDIA_ICE_BIND_ADDRESS', type: 'string', default: '', doc: 'Local address WebRTC host candidates use. Empty: every interface.' },
  { path: 'media.icePortMin', env: 'MEDIA_ICE_PORT_MIN', type: 'int', default: 0, min: 0, max: 65535, doc: 'Lowest UDP port for WebRTC media (0: any).' },
  { path: 'media.icePortMax', env: 'MEDIA_ICE_PORT_MAX', type: 'int', default: 0, min: 0, max: 65535, doc: 'Highest UDP port for WebRTC media (0: any).' },
  { path: 'media.maxSessionsPerGrant', env: 'MEDIA_MAX_SESSIONS_PER_GRANT', type: 'int', default: 2, min: 1, max: 100, doc: 'WHEP sessions one grant may hold open at once (a reload may briefly hold two); more are refused with 429.' },
  { path: 'media.maxSessionsPerUser', env: 'MEDIA_MAX_SESSIONS_PER_USER', type: 'int', default: 16, min: 1, max: 1000, doc: 'WHEP sessions one viewer may hold open at once on this media node, all cameras together; more are refused with 429.' },
  { path: 'media.sessionAttemptsPerMinute', env: 'MEDIA_SESSION_ATTEMPTS_PER_MINUTE', type: 'int', default: 30, min: 1, max: 100000, doc: 'WHEP session attempts (offers with a valid grant) one viewer may make per minute on this media node; more are refused with 429.' },
  { path: 'media.refusalAuditWindowSec', env: 'MEDIA_REFUSAL_AUDIT_WINDOW_SEC', type: 'number', default: 60, min: 0.1, max: 3600, doc: 'Refused WHEP attempts are audited as one entry per cause and viewer (or address, without a valid grant) per window of this length, with their count, so a burst cannot flood the audit trail.' },
  { path: 'media.idleStopSec', env: 'MEDIA_IDLE_STOP_SEC', type: 'number', default: 10, min: 0, max: 3600, doc: 'A live pipeline stops this long after its last viewer leaves.' },
  { path: 'media.detectBudgetMs', env: 'MEDIA_DETECT_BUDGET_MS', type: 'int', default: 250, min: 20, max: 10000, doc: 'Fail closed: a live frame whose latest detection is older than this (or missing) is masked whole.' },
  { path: 'media.detectWidth', env: 'MEDIA_DETECT_WIDTH', type: 'int', default: 640, min: 64, max: 4096, doc: 'Width of the downscaled copy of live frames sent to the anonymizer.' },
  { path: 'media.paceAnonymized', env: 'MEDIA_PACE_ANONYMIZED', type: 'bool', default: true, doc: 'Release anonymized frames at an even delay (about the 90th percentile of recent detection round trips) rather than holding only the frames being detected: browsers buffer by the unevenness, so an even delay costs less latency in the end.' },
  { path: 'media.encodeBitrateKbps', env: 'MEDIA_ENCODE_BITRATE_KBPS', type: 'int', default: 2500, min: 100, max: 50000, doc: 'Bitrate of re-encoded (anonymized) live video.' },
  { path: 'media.keyframeSec', env: 'MEDIA_KEYFRAME_SEC', type: 'number', default: 1, min: 0.2, max: 10, doc: 'Keyframe interval of re-encoded live video (how soon a new viewer sees a picture).' },
  { path: 'media.rtspTimeoutSec', env: 'MEDIA_RTSP_TIMEOUT_SEC', type: 'int', default: 10, min: 1, max: 300, doc: 'A camera that sends nothing for this long is treated as offline.' },
  { path: 'media.reconnectMinMs', env: 'MEDIA_RECONNECT_MIN_MS', type: 'int', default: 1000, min: 10, max: 600000, doc: 'First wait before reconnecting to a camera that dropped (doubles on each failure).' },
  { path: 'media.reconnectMaxMs', env: 'MEDIA_RECONNECT_MAX_MS', type: 'int', default: 30000, min: 10, max: 3600000, doc: 'Longest wait between reconnection attempts.' },
  { path: 'media.pushHost', env: 'MEDIA_PUSH_HOST', type: 'string', default: '127.0.0.1', doc: 'Address the RTMP and SRT push listeners bind (0.0.0.0 to accept drones from the network).' },
  { path: 'media.rtmpPort', env: 'MEDIA_RTMP_PORT', type: 'int', default: 1935, min: 0, max: 65535, doc: 'First RTMP push port (0: no RTMP push).' },
  { path: 'media.srtPort', env: 'MEDIA_SRT_PORT', type: 'int', default: 9000, min: 0, max: 65535, doc: 'First SRT push port (0: no SRT push).' },
  { path: 'media.pushSlots', env: 'MEDIA_PUSH_SLOTS', type: 'int', default: 4, min: 1, max: 256, doc: 'Publishers accepted at once per protocol; each uses its own port counting up from rtmpPort / srtPort.' },
  { path: 'media.pushKeyTimeoutSec', env: 'MEDIA_PUSH_KEY_TIMEOUT_SEC', type: 'number', default: 5, min: 0.5, max: 120, doc: 'An RTMP or SRT connection that has not presented an accepted push key this long after connecting is closed.' },
  { path: 'media.srtPassphrase', env: 'MEDIA_SRT_PASSPHRASE', type: 'string', default: '', doc: 'SRT encryption passphrase (10-79 characters) publishers must use; empty: SRT unencrypted (the push key still decides). Set it in the environment, not in this file.' },
  { path: 'media.nodeName', env: 'MEDIA_NODE_NAME', type: 'string', default: 'media', doc: 'Name of this media node in the recording index (unique per node when there are several).' },
  { path: 'media.recordingDir', env: 'MEDIA_RECORDING_DIR', type: 'string', default: '', doc: 'Directory of recording segments. Empty: dataDir/recordings.' },
  { path: 'media.segmentSec', env: 'MEDIA_SEGMENT_SEC', type: 'int', default: 60, min: 1, max: 3600, doc: 'Length of a recording segment.' },
  { path: 'media.retentionCheckSec', env: 'MEDIA_RETENTION_CHECK_SEC', type: 'int', default: 3600, min: 1, max: 86400, doc: 'How often segments past their camera retention are deleted.' },
  { path: 'media.diskMinFreeMb', env: 'MEDIA_DISK_MIN_FREE_MB', type: 'int', default: 2048, min: 0, max: 100000000, doc: 'Disk guard: recording stops with an alarm when less space than this is free.' },
  { path: 'media.diskCheckSec', env: 'MEDIA_DISK_CHECK_SEC', type: 'int', default: 10, min: 1, max: 3600, doc: 'How often the disk guard checks free space.' },
  { path: 'media.clipDetectEvery', env: 'MEDIA_CLIP_DETECT_EVERY', type: 'int', default: 5, min: 1, max: 10, doc: 'Anonymized clip export detects every Nth frame; a frame between detections is covered by the boxes of the detections before and after it (joined along their motion) and of the one before those. 1: detect every frame.' },
  { path: 'media.clipDir', env: 'MEDIA_CLIP_DIR', type: 'string', default: '', doc: 'Directory of exported clips. Empty: dataDir/clips.' },
];
