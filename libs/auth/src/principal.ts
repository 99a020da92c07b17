export const ROLES = ['operator', 'municipal', 'legal-officer', 'admin', 'auditor', 'supervisory-authority'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: taken from a verified Keycloak access token. */
export interface Principal {
  /** Keycloak subject (stable user id). */
  userId: string;
  username: string;
  name: string;
  /** Organisation id (Keycloak user attribute `organisation`). */
  organisation: string;
  /** Country code (Keycloak user attribute `country`). */
  country: string;
  roles: Role[];
  /**
   * The language the caller reads, from the request's Accept-Language header (not from the token):
   * the policies' reasons come in it (cs, pl, en; English otherwise).
   */
  language?: string;
}
