import type { BorderlensConfig } from '@borderlens/config';
import { keycloakIssuer } from '@borderlens/auth';

/** Password of the demo realm's users (deploy/keycloak/borderlens-realm.json, docs/identity.md). */
const DEMO_PASSWORD = 'borderlens-demo';
/** The realm's public client with the password grant, for command-line tools (demo realm only). */
const CLI_CLIENT = 'borderlens-cli';

/** The demo recording is kept one day (about 4 GB at the demo video's bit rate). */
const DEMO_RETENTION_DAYS = 1;

interface CameraView {
  id: string;
  name: string;
  ingest: { url: string | null };
  recordingEnabled: boolean;
}

/** The gateway's API as the demo administrators use it, signed in through Keycloak. */
export class DemoApi {
  private readonly base: string;

  constructor(private readonly cfg: BorderlensConfig) {
    this.base = cfg.gateway.publicUrl.replace(/\/+$/, '');
  }

  /** Waits until the gateway answers and Keycloak signs the demo users in (both start with the system). */
  async waitUntilReady(timeoutMs = 600_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      try {
        const ready = await fetch(`${this.base}/api/health/ready`, { signal: AbortSignal.timeout(3000) });
        if (ready.ok) {
          await this.token('hzs.admin');
          return;
        }
        last = `gateway answered ${ready.status}`;
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`the gateway or Keycloak did not become ready: ${last}`);
  }

  /**
   * Points the camera at the demo stream (as its owner's administrator) and records it for a day, so
   * that the media node keeps it online and there are recordings to request clips from.
   */
  async pointCameraAt(admin: string, cameraName: string, url: string): Promise<void> {
    const camera = await this.camera(admin, cameraName);
    if (camera.ingest.url === url && camera.recordingEnabled) return;
    await this.call(admin, 'PATCH', `/api/v1/cameras/${camera.id}`, { ingest: { type: 'rtsp', url }, recordingEnabled: true, retentionDays: DEMO_RETENTION_DAYS });
  }

  /** A new push key for the camera; the previous one stops working at once. */
  async issuePushKey(admin: string, cameraName: string): Promise<string> {
    const camera = await this.camera(admin, cameraName);
    const body = (await this.call(admin, 'POST', `/api/v1/cameras/${camera.id}/push-key`)) as { pushKey: string };
    return body.pushKey;
  }

  private async camera(admin: string, name: string): Promise<CameraView> {
    const list = (await this.call(admin, 'GET', '/api/v1/cameras')) as CameraView[] | { items: CameraView[] };
    const cameras = Array.isArray(list) ? list : list.items;
    const camera = cameras.find((c) => c.name === name);
    if (!camera) throw new Error(`demo camera '${name}' is not visible to ${admin} (was the database seeded with seedDemoData?)`);
    return camera;
  }

  private async call(user: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.token(user)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} as ${user}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }

  private async token(user: string): Promise<string> {
    const res = await fetch(`${keycloakIssuer(this.cfg)}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: CLI_CLIENT, username: user, password: DEMO_PASSWORD, scope: 'openid' }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { access_token?: string; error_description?: string };
    if (!res.ok || !body.access_token) throw new Error(`Keycloak refused the demo user ${user}: ${body.error_description ?? res.status}`);
    return body.access_token;
  }
}
