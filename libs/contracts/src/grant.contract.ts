/** A grant: what a permit decision turns into; signed by the gateway, checked by the media node. */
export type ViewForm = 'raw' | 'anonymized';

export interface GrantObligations {
  /** Burn the viewer's identity and the time into the video. */
  watermark?: boolean;
  /** A stated purpose was required and is recorded here. */
  purpose?: string;
  /** Longest session in seconds. */
  maxDurationSec?: number;
  /** The camera owner's legal officer must approve (clips). */
  ownerApproval?: boolean;
  /** Video must be anonymized whatever the form asked. */
  anonymize?: boolean;
}

export interface GrantClaims {
  /** Viewer (Keycloak subject). */
  sub: string;
  /** Viewer's display name, for watermarks. */
  name: string;
  org: string;
  country: string;
  /** Camera id. */
  cam: string;
  form: ViewForm;
  obligations: GrantObligations;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Grant id (for audit and revocation). */
  jti: string;
  /**
   * The gateway's live session the grant was issued for (`sessionId` in the API). Every renewal of a
   * session carries the same sid, so the media node can take a renewed grant for a running session.
   */
  sid?: string;
}

/** Who a WHEP event is about: from a verified grant, else only the address the request came from. */
export interface WhepViewer {
  /** Keycloak subject, from a grant whose signature was checked (also an expired one). */
  sub?: string;
  name?: string;
  org?: string;
  country?: string;
  /** The client address, when no grant told who it was. */
  source?: string;
}

/** A WHEP session started or ended on a media node (audited by the gateway as a consultation or disclosure). */
export interface WhepSessionEvent {
  kind: 'start' | 'end';
  /** The media node's session id. */
  session: string;
  /** The gateway's live session the grant was issued for. */
  gatewaySession?: string;
  /** The grant (jti) it was opened with, and for an end every grant it ran on. */
  grant: string;
  grants?: string[];
  cameraId: string;
  viewer: WhepViewer;
  form: ViewForm;
  purpose?: string;
  /** ISO time of the event. */
  at: string;
  /** end: seconds watched, and why it ended. */
  durationSec?: number;
  reason?: string;
}

/**
 * Refused WHEP attempts of one cause by one viewer (or address) in one window: one event with a
 * count, so a burst of refusals is one audit entry, not thousands.
 */
export interface WhepRefusalEvent {
  kind: 'refused';
  /**
   * The error code answered: grant_required, grant_invalid, grant_expired, grant_revoked, grant_other_camera, grant_not_raw,
   * grant_other_session, session_attempts_exceeded, grant_sessions_exceeded, user_sessions_exceeded.
   */
  cause: string;
  status: number;
  /** What was asked: open a session, renew its grant, end it. */
  request: 'offer' | 'renew' | 'delete';
  /** Camera(s) asked for in the window (at most a few listed). */
  cameraIds: string[];
  viewer: WhepViewer;
  gatewaySession?: string;
  grant?: string;
  count: number;
  /** ISO times of the first and last refusal in the window. */
  from: string;
  to: string;
}

export type WhepAuditEvent = WhepSessionEvent | WhepRefusalEvent;

/** gateway.whep-events: what a media node reports for the audit trail. */
export interface WhepAuditReport {
  events: WhepAuditEvent[];
}
