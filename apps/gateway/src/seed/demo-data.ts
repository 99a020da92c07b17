import type { CameraEntity, OrganisationEntity } from '@borderlens/database';

/** The five partners of the Interreg CZ-PL project (ids match the Keycloak attribute `organisation`). */
export const PARTNERS: Pick<OrganisationEntity, 'id' | 'name' | 'country' | 'kind' | 'legalRegime'>[] = [
  { id: 'hzs-olk', name: 'Hasičský záchranný sbor Olomouckého kraje', country: 'CZ', kind: 'fire', legalRegime: 'gdpr' },
  { id: 'policie-olk', name: 'Krajské ředitelství policie Olomouckého kraje', country: 'CZ', kind: 'police', legalRegime: 'led' },
  { id: 'mesto-jesenik', name: 'Město Jeseník', country: 'CZ', kind: 'municipality', legalRegime: 'gdpr' },
  { id: 'gmina-nysa', name: 'Gmina Nysa', country: 'PL', kind: 'municipality', legalRegime: 'gdpr' },
  { id: 'gmina-glucholazy', name: 'Gmina Głuchołazy', country: 'PL', kind: 'municipality', legalRegime: 'gdpr' },
];

type DemoCamera = Pick<CameraEntity, 'organisationId' | 'name' | 'jurisdiction' | 'kind' | 'latitude' | 'longitude' | 'ingestType' | 'rtspUrl' | 'pushProtocol' | 'retentionDays'>;

/**
 * Demo cameras at real places near Jeseník, Nysa and Głuchołazy. Their RTSP addresses are in the
 * documentation range 192.0.2.0/24, so they show as offline until an admin points them at a camera.
 */
export const DEMO_CAMERAS: DemoCamera[] = [
  { organisationId: 'mesto-jesenik', name: 'Jeseník – Masarykovo náměstí', jurisdiction: 'CZ', kind: 'fixed', latitude: 50.2293, longitude: 17.2047, ingestType: 'rtsp', rtspUrl: 'rtsp://192.0.2.11:554/stream1', pushProtocol: null, retentionDays: 30 },
  { organisationId: 'mesto-jesenik', name: 'Jeseník – most přes Bělou, Lipovská', jurisdiction: 'CZ', kind: 'fixed', latitude: 50.2336, longitude: 17.1953, ingestType: 'rtsp', rtspUrl: 'rtsp://192.0.2.12:554/stream1', pushProtocol: null, retentionDays: 30 },
  { organisationId: 'policie-olk', name: 'Mikulovice – hraniční přechod (I/44 – DK40)', jurisdiction: 'CZ', kind: 'fixed', latitude: 50.3017, longitude: 17.3253, ingestType: 'rtsp', rtspUrl: 'rtsp://192.0.2.21:554/stream1', pushProtocol: null, retentionDays: 30 },
  { organisationId: 'hzs-olk', name: 'HZS – dron Jeseník', jurisdiction: 'CZ', kind: 'drone', latitude: 50.2262, longitude: 17.2035, ingestType: 'push', rtspUrl: null, pushProtocol: 'rtmp', retentionDays: 30 },
  { organisationId: 'gmina-glucholazy', name: 'Głuchołazy – Rynek', jurisdiction: 'PL', kind: 'fixed', latitude: 50.3133, longitude: 17.3841, ingestType: 'rtsp', rtspUrl: 'rtsp://192.0.2.31:554/stream1', pushProtocol: null, retentionDays: 30 },
  { organisationId: 'gmina-glucholazy', name: 'Głuchołazy – most na Białej Głuchołaskiej', jurisdiction: 'PL', kind: 'fixed', latitude: 50.3159, longitude: 17.3797, ingestType: 'rtsp', rtspUrl: 'rtsp://192.0.2.32:554/stream1', pushProtocol: null, retentionDays: 30 },
  { organisationId: 'gmina-nysa', name: 'Nysa – Rynek', jurisdiction: 'PL', kind: 'fixed', latitude: 50.4737, longitude: 17.3340, ingestType: 'rtsp', rtspUrl: 'rtsp://192.0.2.41:554/stream1', pushProtocol: null, retentionDays: 30 },
  { organisationId: 'gmina-nysa', name: 'Nysa – zapora Jeziora Nyskiego', jurisdiction: 'PL', kind: 'fixed', latitude: 50.4521, longitude: 17.2646, ingestType: 'rtsp', rtspUrl: 'rtsp://192.0.2.42:554/stream1', pushProtocol: null, retentionDays: 30 },
];
