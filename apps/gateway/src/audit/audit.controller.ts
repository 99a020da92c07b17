import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { AuditReadService, type ReaderScope } from './audit-read.service';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditEntryDto, AuditQueryDto, CheckpointExportDto, ChainReportDto } from './audit.dto';

const SCOPE_DOC =
  "Only the entries the caller may read (Cedar audit.read): by default an organisation's auditors and legal officers read what its people did and what was done with its cameras, clips and incidents, including disclosures to partners; a supervisory authority more by explicit rule. 403 audit_read_forbidden when no rule permits anything.";

/** The trail, as far as each reader may see it. Reading it is itself recorded (a consultation, or a disclosure for an export). */
@ApiTags('audit')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'audit_read_forbidden' })
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly readers: AuditReadService,
    private readonly checkpoints: AuditCheckpointService,
  ) {}

  /**
   * The signed checkpoints of the chain head and the key that verifies them, for partners to keep
   * (cross-witnessing): `npm run audit:verify -- --witness FILE` checks a trail against a kept copy.
   * They carry no entry content (sequence number, hash, time). Needs some audit.read permit.
   */
  @Get('checkpoints')
  @ApiOkResponse({ type: CheckpointExportDto })
  async exportCheckpoints(@CurrentPrincipal() p: Principal): Promise<CheckpointExportDto> {
    const scope = await this.readers.scope(p, 'audit checkpoints exported');
    const out = await this.checkpoints.export();
    await this.audit.record({ actor: actorOf(p), operation: 'disclosure', object: 'audit', recipient: p.organisation, decision: 'permit', justification: 'audit checkpoints exported', policyIds: scope.policyIds, details: { checkpoints: out.checkpoints.length } });
    return out;
  }

  @Get()
  @ApiOkResponse({ type: AuditEntryDto, isArray: true, description: SCOPE_DOC })
  async list(@CurrentPrincipal() p: Principal, @Query() q: AuditQueryDto): Promise<AuditEntryDto[]> {
    const scope = await this.readers.scope(p, 'audit trail read');
    const rows = await this.audit.find({ ...q, scope, limit: q.limit ?? 100 });
    await this.audit.record({ actor: actorOf(p), operation: 'consultation', object: 'audit', decision: 'permit', justification: 'audit trail read', policyIds: scope.policyIds, details: { query: { ...q }, ...scopeDetails(scope), returned: rows.length } });
    return rows.map(AuditEntryDto.from);
  }

  @Get('verify')
  @ApiOkResponse({ type: ChainReportDto, description: 'Checks the whole chain (every entry takes part in the hashes) but shows none of the entries the caller may not read. Needs some audit.read permit.' })
  async verify(@CurrentPrincipal() p: Principal): Promise<ChainReportDto> {
    const scope = await this.readers.scope(p, 'audit chain verified');
    const report = await this.audit.verify();
    await this.audit.record({ actor: actorOf(p), operation: 'consultation', object: 'audit', decision: 'permit', justification: 'audit chain verified', policyIds: scope.policyIds, details: { ok: report.ok, entries: report.entries, ...scopeDetails(scope) } });
    return report;
  }

  /** The caller's part of the trail as JSON lines, each with its hashes (e.g. for a supervisory authority). */
  @Get('export')
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: `${SCOPE_DOC} Each line is one entry with prevHash and hash: an entry's own hash can be checked alone; the links between entries only where no entry in between is left out.` })
  async export(@CurrentPrincipal() p: Principal, @Res() res: Response): Promise<void> {
    const scope = await this.readers.scope(p, 'audit trail exported');
    await this.audit.record({ actor: actorOf(p), operation: 'disclosure', object: 'audit', recipient: p.organisation, decision: 'permit', justification: 'audit trail exported', policyIds: scope.policyIds, details: scopeDetails(scope) });
    res.setHeader('Content-Type', 'application/x-ndjson');
    res.setHeader('Content-Disposition', 'attachment; filename="borderlens-audit.ndjson"');
    for await (const e of this.audit.streamAll(scope)) {
      if (!res.write(JSON.stringify(AuditEntryDto.from(e)) + '\n')) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}

function scopeDetails(scope: ReaderScope) {
  return { scope: { organisations: scope.organisations, cameras: scope.cameras.length } };
}
