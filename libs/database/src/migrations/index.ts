import { Initial1795388803000 } from './1795388803000-Initial';
import { AuditAppendOnly1795388804000 } from './1795388804000-AuditAppendOnly';
import { PoliciesIncidentsGrants1795388805000 } from './1795388805000-PoliciesIncidentsGrants';
import { ClipRequestWorkflow1796243905000 } from './1796243905000-ClipRequestWorkflow';
import { IncidentAcceptance1796244087000 } from './1796244087000-IncidentAcceptance';
import { Analytics1796244737000 } from './1796244737000-Analytics';
import { AuditCheckpoints1796300000000 } from './1796300000000-AuditCheckpoints';
import { CameraSharing1796310000000 } from './1796310000000-CameraSharing';
import { PolicyCosignatures1796310001000 } from './1796310001000-PolicyCosignatures';
import { SegmentIndexedOnce1796320000000 } from './1796320000000-SegmentIndexedOnce';
import { RetentionReviews1796330100000 } from './1796330100000-RetentionReviews';
import { LiveSessions1796340000000 } from './1796340000000-LiveSessions';
import { CameraDisabled1796340100000 } from './1796340100000-CameraDisabled';

/** In order. Never edit a released migration: add a new one. */
export const MIGRATIONS = [
  Initial1795388803000,
  AuditAppendOnly1795388804000,
  PoliciesIncidentsGrants1795388805000,
  ClipRequestWorkflow1796243905000,
  IncidentAcceptance1796244087000,
  Analytics1796244737000,
  AuditCheckpoints1796300000000,
  CameraSharing1796310000000,
  PolicyCosignatures1796310001000,
  SegmentIndexedOnce1796320000000,
  RetentionReviews1796330100000,
  LiveSessions1796340000000,
  CameraDisabled1796340100000,
];
