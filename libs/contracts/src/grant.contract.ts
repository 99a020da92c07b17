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
