import { Controller, Get, Query, Res } from '@nestjs/common';
import type { AuditEntryEntity } from '@borderlens/database';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditService, actorOf, type AuditFilter } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { AuditReadService, type ReaderScope } from './audit-read.service';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditEntryDto, AuditExportQueryDto, AuditQueryDto, CheckpointExportDto, ChainReportDto } from './audit.dto';
import { auditReportPdf } from './audit-report-pdf';

/** Most entries one export holds (a larger part of the trail: page with afterSeq, or the NDJSON export). */
const EXPORT_MAX = 50_000;

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
    await this.audit.record({
      actor: actorOf(p),
      operation: 'disclosure',
      object: 'audit',
      recipient: p.organisation,
      decision: 'permit',
      justification: 'audit checkpoints exported',
      policyIds: scope.policyIds,
      details: { checkpoints: out.checkpoints.length },
    });
    return out;
  }

  @Get()
  @ApiOkResponse({ type: AuditEntryDto, isArray: true, description: SCOPE_DOC })
  async list(@CurrentPrincipal() p: Principal, @Query() q: AuditQueryDto): Promise<AuditEntryDto[]> {
    const scope = await this.readers.scope(p, 'audit trail read');
    const rows = await this.audit.find({ ...filterOf(q), scope, limit: q.limit ?? 100 });
    await this.audit.record({
      actor: actorOf(p),
      operation: 'consultation',
      object: 'audit',
      decision: 'permit',
      justification: 'audit trail read',
      policyIds: scope.policyIds,
      details: { query: { ...q }, ...scopeDetails(scope), returned: rows.length },
    });
    return rows.map(AuditEntryDto.from);
  }

  @Get('verify')
  @ApiOkResponse({
    type: ChainReportDto,
    description: 'Checks the whole chain (every entry takes part in the hashes) but shows none of the entries the caller may not read. Needs some audit.read permit.',
  })
  async verify(@CurrentPrincipal() p: Principal): Promise<ChainReportDto> {
    const scope = await this.readers.scope(p, 'audit chain verified');
    const report = await this.audit.verify();
    await this.audit.record({
      actor: actorOf(p),
      operation: 'consultation',
      object: 'audit',
      decision: 'permit',
      justification: 'audit chain verified',
      policyIds: scope.policyIds,
      details: { ok: report.ok, entries: report.entries, ...scopeDetails(scope) },
    });
    return report;
  }

  /** The filtered entries (oldest first, as GET with the same filter but without its limit). */
  private async *filtered(q: AuditExportQueryDto, scope: ReaderScope): AsyncGenerator<AuditEntryEntity> {
    let afterSeq = q.afterSeq;
    let left = q.max ?? EXPORT_MAX;
    for (;;) {
      const batch = await this.audit.find({ ...filterOf(q), order: 'asc', afterSeq, scope, limit: Math.min(1000, left) });
      yield* batch;
      left -= batch.length;
      if (batch.length < 1000 || left <= 0) return;
      afterSeq = batch[batch.length - 1].seq;
    }
  }

  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: `The entries of the filter (as GET; oldest first, at most max) as CSV with a header line, UTF-8. ${SCOPE_DOC} Recorded as a disclosure.` })
  async exportCsv(@CurrentPrincipal() p: Principal, @Query() q: AuditExportQueryDto, @Res() res: Response): Promise<void> {
    const scope = await this.readers.scope(p, 'audit trail exported (CSV)');
    await this.audit.record({
      actor: actorOf(p),
      operation: 'disclosure',
      object: 'audit',
      recipient: p.organisation,
      decision: 'permit',
      justification: 'audit trail exported (CSV)',
      policyIds: scope.policyIds,
      details: { filter: Object.fromEntries(filterLines(q)), ...scopeDetails(scope) },
    });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="borderlens-audit.csv"');
    res.write(CSV_COLUMNS.join(',') + '\r\n');
    for await (const e of this.filtered(q, scope)) {
      if (!res.write(csvRow(AuditEntryDto.from(e)))) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }

  @Get('report.pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: `A report for a supervisory authority: a title page with the filter, the chain's verification result and the latest signed checkpoint, then the filtered entries (oldest first, at most max). ${SCOPE_DOC} Recorded as a disclosure.`,
  })
  async exportPdf(@CurrentPrincipal() p: Principal, @Query() q: AuditExportQueryDto, @Res() res: Response): Promise<void> {
    const scope = await this.readers.scope(p, 'audit report exported (PDF)');
    const verification = await this.audit.verify();
    const { checkpoints } = await this.checkpoints.export();
    const entries: AuditEntryDto[] = [];
    for await (const e of this.filtered(q, scope)) entries.push(AuditEntryDto.from(e));
    await this.audit.record({
      actor: actorOf(p),
      operation: 'disclosure',
      object: 'audit',
      recipient: p.organisation,
      decision: 'permit',
      justification: 'audit report exported (PDF)',
      policyIds: scope.policyIds,
      details: { filter: Object.fromEntries(filterLines(q)), entries: entries.length, chainOk: verification.ok, ...scopeDetails(scope) },
    });
    const last = checkpoints.at(-1);
    const pdf = await auditReportPdf({
      title: 'BorderLens audit report',
      generatedAt: new Date(),
      generatedBy: `${p.username} (${p.organisation}, ${p.country})`,
      filter: filterLines(q),
      verification,
      checkpoint: last ? { seq: String(last.seq), hash: last.hash, time: String(last.time), token: last.token } : null,
      entries,
    });
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', 'attachment; filename="borderlens-audit-report.pdf"');
    res.end(pdf);
  }

  /** The caller's part of the trail as JSON lines, each with its hashes (e.g. for a supervisory authority). */
  @Get('export')
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description: `${SCOPE_DOC} Each line is one entry with prevHash and hash: an entry's own hash can be checked alone; the links between entries only where no entry in between is left out.`,
  })
  async export(@CurrentPrincipal() p: Principal, @Res() res: Response): Promise<void> {
    const scope = await this.readers.scope(p, 'audit trail exported');
    await this.audit.record({
      actor: actorOf(p),
      operation: 'disclosure',
      object: 'audit',
      recipient: p.organisation,
      decision: 'permit',
      justification: 'audit trail exported',
      policyIds: scope.policyIds,
      details: scopeDetails(scope),
    });
    res.setHeader('Content-Type', 'application/x-ndjson');
    res.setHeader('Content-Disposition', 'attachment; filename="borderlens-audit.ndjson"');
    for await (const e of this.audit.streamAll(scope)) {
      if (!res.write(JSON.stringify(AuditEntryDto.from(e)) + '\n')) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}

/** The query's filter in the repository's terms. */
function filterOf(q: AuditQueryDto): Omit<AuditFilter, 'limit' | 'scope'> {
  return {
    afterSeq: q.afterSeq,
    object: q.object,
    operation: q.operation,
    from: q.from,
    to: q.to,
    actorUser: q.user,
    organisation: q.organisation,
    camera: q.camera,
    crossBorder: q.crossBorder,
    order: q.order,
  };
}

/** The filter as label/value lines (the report's title page, the audit entry of the export). */
function filterLines(q: AuditQueryDto): [string, string][] {
  const lines: [string, string][] = [];
  if (q.user) lines.push(['User', q.user]);
  if (q.organisation) lines.push(['Organisation', q.organisation]);
  if (q.camera) lines.push(['Camera', q.camera]);
  if (q.object) lines.push(['Object', q.object]);
  if (q.operation) lines.push(['Operation', q.operation]);
  if (q.crossBorder) lines.push(['Cross-border only', 'yes']);
  if (q.from) lines.push(['From', q.from.toISOString()]);
  if (q.to) lines.push(['To', q.to.toISOString()]);
  return lines;
}

const CSV_COLUMNS = [
  'seq',
  'time',
  'actorUser',
  'actorOrganisation',
  'actorCountry',
  'operation',
  'object',
  'recipient',
  'decision',
  'justification',
  'policyIds',
  'details',
  'prevHash',
  'hash',
] as const;

/** One CSV field (RFC 4180); a leading = + - @ is quoted away so a spreadsheet does not run it as a formula. */
export function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) || safe !== v ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(e: AuditEntryDto): string {
  return CSV_COLUMNS.map((c) => csvField(c === 'policyIds' ? e.policyIds.join(' ') : c === 'details' ? JSON.stringify(e.details) : String(e[c]))).join(',') + '\r\n';
}

function scopeDetails(scope: ReaderScope) {
  return { scope: { organisations: scope.organisations, cameras: scope.cameras.length } };
}
