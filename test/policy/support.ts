import { Controller, Module, UseGuards, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { type BorderlensConfig } from '@borderlens/config';
import { Patterns, ServiceAuthGuard, ServiceName, ServiceTokens, serverTransport, type GrantChange } from '@borderlens/contracts';
import { loadPolicyDirectory } from '@borderlens/policy';
import { api } from '../support/gateway';
import { passwordToken } from '../support/keycloak';

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
