import { Controller, Module, UseGuards, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { type BorderlensConfig } from '@borderlens/config';
import { Patterns, ServiceAuthGuard, ServiceName, ServiceTokens, serverTransport, type GrantChange } from '@borderlens/contracts';
import { loadPolicyDirectory } from '@borderlens/policy';
import { api } from './gateway';
import { passwordToken } from './keycloak';

/** Tokens of demo users, fetched once per test file. */
export function tokens(): (user: string) => Promise<string> {
  const cache: Record<string, Promise<string>> = {};
  return (user) => (cache[user] ??= passwordToken(user));
}

/** The shipped text of a jurisdiction with `from` replaced by `to` inside the rule `id` (first occurrence). */
export function editRule(jurisdiction: string, id: string, from: string, to: string, text = loadPolicyDirectory()[jurisdiction].text): string {
  const at = text.indexOf(`@id("${id}")`);
  const hit = text.indexOf(from, at);
  const next = text.indexOf('@id(', at + 1);
  if (at < 0 || hit < 0 || (next > 0 && hit > next)) throw new Error(`"${from}" not found in rule ${id}`);
  return text.slice(0, hit) + to + text.slice(hit + from.length);
}

/** Polls until `check` returns something truthy (or the time is up: returns the last value). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = await check();
  while (!last && Date.now() < end) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await check();
  }
  return last;
}

/** Audit entries about an object, read as an auditor would. */
export async function auditOf(url: string, token: string, object: string): Promise<any[]> {
  const r = await api(url, `/api/v1/audit?object=${encodeURIComponent(object)}&limit=1000`, { token });
  if (r.status !== 200) throw new Error(`audit read failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A stand-in media node: records the grant changes the gateway sends, behind the real service-token guard. */
export class FakeMedia {
  readonly changes: GrantChange[] = [];
  private app?: INestMicroservice;

  constructor(private readonly cfg: BorderlensConfig) {}

  async start(): Promise<void> {
    const changes = this.changes;
    @Controller()
    @UseGuards(ServiceAuthGuard)
    class FakeMediaGrants {
      @MessagePattern(Patterns.media.grantChanged)
      grantChanged(@Payload('data') data: GrantChange) {
        changes.push(data);
        return { sessions: 1 };
      }
    }
    @Module({ controllers: [FakeMediaGrants], providers: [ServiceAuthGuard, { provide: ServiceTokens, useValue: ServiceTokens.forApp(this.cfg, ServiceName.media) }] })
    class FakeMediaModule {}
    this.app = await NestFactory.createMicroservice<MicroserviceOptions>(FakeMediaModule, { ...serverTransport(this.cfg, ServiceName.media), logger: false });
    await this.app.listen();
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }
}

/** The demo legal officer of each demo organisation (deploy/keycloak/borderlens-realm.json). */
export const LEGAL_OFFICER_OF: Record<string, string> = {
  'hzs-olk': 'hzs.legal',
  'policie-olk': 'policie.legal',
  'mesto-jesenik': 'jesenik.legal',
  'gmina-nysa': 'nysa.legal',
  'gmina-glucholazy': 'glucholazy.legal',
};

/**
 * Activates a draft as `officer`, first collecting the co-signatures it needs from the legal officers of
 * the other organisations whose cameras it affects (as those officers would, each with a reason).
 * Answers the activation response.
 */
export async function activatePolicy(
  url: string,
  token: (user: string) => Promise<string>,
  officer: string,
  jurisdiction: string,
  version: number,
  reason = 'test',
): Promise<{ status: number; body: any }> {
  const path = `/api/v1/policies/${jurisdiction}/versions/${version}`;
  const needed = await api(url, `${path}/cosignatures`, { token: await token(officer) });
  if (needed.status !== 200) return needed;
  for (const organisation of needed.body.missing as string[]) {
    const cosigner = LEGAL_OFFICER_OF[organisation];
    if (!cosigner) throw new Error(`no demo legal officer for ${organisation}`);
    const r = await api(url, `${path}/cosign`, { method: 'POST', token: await token(cosigner), body: { reason: `${reason} (co-signed for ${organisation})` } });
    if (r.status !== 200) throw new Error(`co-signature of ${cosigner} failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return api(url, `${path}/activate`, { method: 'POST', token: await token(officer), body: { reason } });
}
