import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Principal } from '@borderlens/auth';
import { AuditEntryEntity, type AuditOperation } from '@borderlens/database';
import { ChainVerifier, GENESIS_HASH, entryHash, type ChainReport } from './audit-chain';
import { AuditRepository, type AuditFilter, type AuditScope } from './audit.repository';

/** Who did it: a signed-in user, or a BorderLens service acting on its own (retention, expiry). */
export interface AuditActor {
  user: string;
  organisation: string;
  country: string;
}

export interface AuditInput {
  actor: AuditActor;
  operation: AuditOperation;
  /** e.g. `camera:<id>`, `policy:CZ@3`. */
  object: string;
  justification?: string;
  recipient?: string;
  decision: string;
  policyIds?: string[];
  details?: Record<string, unknown>;
}

export const SYSTEM_ACTOR: AuditActor = { user: 'system', organisation: 'borderlens', country: '--' };

/** The actor of an entry made on behalf of a signed-in user. */
export function actorOf(p: Principal): AuditActor {
  return { user: p.username, organisation: p.organisation, country: p.country };
}

@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  /** Appends one entry to the hash chain; pass the transaction's manager to commit it with the change. */
  record(input: AuditInput, manager?: EntityManager): Promise<AuditEntryEntity> {
    return this.repo.append((last) => {
      const e = new AuditEntryEntity();
      e.seq = last ? (BigInt(last.seq) + 1n).toString() : '1';
      e.time = new Date();
      e.actorUser = input.actor.user;
      e.actorOrganisation = input.actor.organisation;
      e.actorCountry = input.actor.country;
      e.operation = input.operation;
      e.object = input.object;
      e.justification = input.justification ?? '';
      e.recipient = input.recipient ?? '';
      e.decision = input.decision;
      e.policyIds = input.policyIds ?? [];
      e.details = input.details ?? {};
      e.prevHash = last?.hash ?? GENESIS_HASH;
      e.hash = entryHash(e);
      return e;
    }, manager);
  }

  async verify(): Promise<ChainReport> {
    const v = new ChainVerifier();
    for await (const e of this.repo.streamAll()) {
      if (!v.push(e)) break;
    }
    return v.report();
  }

  find(filter: AuditFilter): Promise<AuditEntryEntity[]> {
    return this.repo.find(filter);
  }

  /** Every entry, or only those in a reader's scope. */
  streamAll(scope?: AuditScope): AsyncGenerator<AuditEntryEntity> {
    return this.repo.streamAll(undefined, scope);
  }
}
