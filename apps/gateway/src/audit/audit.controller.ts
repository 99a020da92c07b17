import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditService, actorOf } from '@borderlens/audit';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { AuditEntryDto, AuditQueryDto, ChainReportDto } from './audit.dto';

/** Reading the trail is itself a consultation, and is recorded. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'legal-officer')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditEntryDto, isArray: true })
  async list(@CurrentPrincipal() p: Principal, @Query() q: AuditQueryDto): Promise<AuditEntryDto[]> {
    const rows = await this.audit.find({ ...q, limit: q.limit ?? 100 });
    await this.audit.record({ actor: actorOf(p), operation: 'consultation', object: 'audit', decision: 'permit', justification: 'audit trail read', details: { query: { ...q } } });
    return rows.map(AuditEntryDto.from);
  }

  @Get('verify')
  @ApiOkResponse({ type: ChainReportDto })
  async verify(@CurrentPrincipal() p: Principal): Promise<ChainReportDto> {
    const report = await this.audit.verify();
    await this.audit.record({ actor: actorOf(p), operation: 'consultation', object: 'audit', decision: 'permit', justification: 'audit chain verified', details: { ok: report.ok, entries: report.entries } });
    return report;
  }

  /** The whole trail as JSON lines, each with its hashes, for a supervisory authority. */
  @Get('export')
  @ApiProduces('application/x-ndjson')
  async export(@CurrentPrincipal() p: Principal, @Res() res: Response): Promise<void> {
    await this.audit.record({ actor: actorOf(p), operation: 'disclosure', object: 'audit', recipient: p.organisation, decision: 'permit', justification: 'audit trail exported' });
    res.setHeader('Content-Type', 'application/x-ndjson');
    res.setHeader('Content-Disposition', 'attachment; filename="borderlens-audit.ndjson"');
    for await (const e of this.audit.streamAll()) {
      if (!res.write(JSON.stringify(AuditEntryDto.from(e)) + '\n')) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}
