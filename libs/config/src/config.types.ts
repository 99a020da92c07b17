/** Typed view of the options in options.ts (same paths). */
export interface BorderlensConfig {
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  seedDemoData: boolean;
  gateway: { host: string; port: number; publicUrl: string; bodyLimit: string };
  database: { url: string; embeddedPort: number; poolSize: number };
  transport: {
    natsUrl: string;
    host: string;
    mediaPort: number;
    anonymizerPort: number;
    gatewayPort: number;
    timeoutMs: number;
    serviceSecret: string;
  };
  keycloak: {
    issuer: string;
    localPort: number;
    version: string;
    cacheDir: string;
    audience: string;
    algorithms: string[];
    clockToleranceSec: number;
    webClientId: string;
  };
  cameras: { allowedNetworks: string[]; allowSpecialNetworks: string[]; defaultRetentionDays: number };
  incidents: { maxDurationHours: number; maxRadiusKm: number; bordersFile: string; checkIntervalSec: number };
  security: { encryptionKey: string };
  anonymizer: {
    modelDir: string;
    faceModel: string;
    plateModel: string;
    faceThreshold: number;
    plateThreshold: number;
    faceInputWidth: number;
    plateInputWidth: number;
    liveFaceInputWidth: number;
    livePlateInputWidth: number;
    threads: number;
    modelWorkers: number;
    method: 'blur' | 'pixelate' | 'fill';
    padding: number;
    detectEvery: number;
    keepAudio: boolean;
    maxFileMb: number;
    maxPixels: number;
  };
  media: {
    publicUrl: string;
    host: string;
    port: number;
    grantJwksUrl: string;
    iceServers: string[];
    iceBindAddress: string;
    icePortMin: number;
    icePortMax: number;
    idleStopSec: number;
    detectBudgetMs: number;
    detectWidth: number;
    paceAnonymized: boolean;
    encodeBitrateKbps: number;
    keyframeSec: number;
    rtspTimeoutSec: number;
    reconnectMinMs: number;
    reconnectMaxMs: number;
    pushHost: string;
    rtmpPort: number;
    srtPort: number;
    pushSlots: number;
    nodeName: string;
    recordingDir: string;
    segmentSec: number;
    retentionCheckSec: number;
    diskMinFreeMb: number;
    diskCheckSec: number;
    clipDir: string;
  };
}
