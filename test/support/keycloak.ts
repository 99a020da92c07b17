import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Password of every demo user in deploy/keycloak/borderlens-realm.json. */
export const DEMO_PASSWORD = 'borderlens-demo';
/** Public client with the password grant, for tests and command-line tools (demo realm only). */
export const CLI_CLIENT = 'borderlens-cli';

const REPO_ROOT = resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 600_000;

/** Realm issuer: KEYCLOAK_ISSUER when set (an existing Keycloak), else the local one of scripts/keycloak.sh. */
export function keycloakIssuer(): string {
  const configured = process.env.KEYCLOAK_ISSUER?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  return `http://127.0.0.1:${process.env.KEYCLOAK_PORT?.trim() || '8180'}/realms/borderlens`;
}

export function tokenEndpoint(): string {
  return `${keycloakIssuer()}/protocol/openid-connect/token`;
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Raw token request (form-encoded), for tests that expect a refusal. */
export async function requestToken(form: Record<string, string>): Promise<TokenResponse> {
  const res = await fetch(tokenEndpoint(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Access token of a user through the password grant of `borderlens-cli`; throws with Keycloak's reason. */
export async function passwordToken(username: string, password = DEMO_PASSWORD): Promise<string> {
  const { status, body } = await requestToken({
    grant_type: 'password',
    client_id: CLI_CLIENT,
    username,
    password,
    scope: 'openid',
  });
  if (status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`no token for ${username}: HTTP ${status} ${String(body.error)}: ${String(body.error_description)}`);
  }
  return body.access_token;
}

async function discoveryAnswers(issuer: string): Promise<boolean> {
  try {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Makes sure the realm answers: starts the local Keycloak (scripts/keycloak.sh, downloads on first use)
 * unless KEYCLOAK_ISSUER points at an existing one. Returns the issuer. Call it from `beforeAll` with a
 * long timeout: a cold start takes about a minute on two cores.
 */
export async function ensureKeycloak(): Promise<string> {
  const issuer = keycloakIssuer();
  if (await discoveryAnswers(issuer)) return issuer;
  if (process.env.KEYCLOAK_ISSUER?.trim()) {
    throw new Error(`KEYCLOAK_ISSUER=${issuer} does not answer; start that Keycloak or unset KEYCLOAK_ISSUER`);
  }
  const run = spawnSync('bash', [resolve(REPO_ROOT, 'scripts/keycloak.sh'), 'start'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: START_TIMEOUT_MS,
  });
  if (run.status !== 0 || !(await discoveryAnswers(issuer))) {
    const reason = run.error ? run.error.message : `exit ${run.status}`;
    throw new Error(`scripts/keycloak.sh start failed (${reason}):\n${run.stdout}${run.stderr}`);
  }
  return issuer;
}
