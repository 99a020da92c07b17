import { AnalyticsAlertEntity, AnalyticsConfigEntity, AnalyticsMinuteEntity } from './analytics.entity';
import { AuditCheckpointEntity } from './audit-checkpoint.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { CameraEntity } from './camera.entity';
import { ClipRequestEntity } from './clip-request.entity';
import { LiveSessionEntity } from './live-session.entity';
import { IncidentEntity } from './incident.entity';
import { OrganisationEntity } from './organisation.entity';
import { PolicyEntity, PolicyVersionEntity } from './policy.entity';
import { RecordingSegmentEntity } from './recording-segment.entity';
import { RetentionReviewEntity } from './retention-review.entity';

export * from './analytics.entity';
export * from './audit-checkpoint.entity';
export * from './audit-entry.entity';
export * from './camera.entity';
export * from './clip-request.entity';
export * from './live-session.entity';
export * from './incident.entity';
export * from './organisation.entity';
export * from './policy.entity';
export * from './recording-segment.entity';
export * from './retention-review.entity';

export const ENTITIES = [
  OrganisationEntity,
  CameraEntity,
  PolicyEntity,
  PolicyVersionEntity,
  IncidentEntity,
  LiveSessionEntity,
  ClipRequestEntity,
  RecordingSegmentEntity,
  AuditEntryEntity,
  AuditCheckpointEntity,
  AnalyticsConfigEntity,
  AnalyticsMinuteEntity,
  AnalyticsAlertEntity,
  RetentionReviewEntity,
];
