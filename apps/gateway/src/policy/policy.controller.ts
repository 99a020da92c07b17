import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@borderlens/auth';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { ActivateDto, CosignaturesDto, CosignDto, CreateDraftDto, PolicyDto, PolicyReportDto, PolicySchemaDto, PolicyTextDto, PolicyVersionDto, RollbackDto } from './policy.dto';
import { PolicyService } from './policy.service';

/**
 * The sharing rules of each jurisdiction. Anyone signed in reads the active rules (they are the law
 * the platform applies); drafts, validation, activation and rollback need `policy.edit` on the
 * jurisdiction, which the policies grant to its own legal officers.
 */
@ApiTags('policies')
@ApiBearerAuth()
@Controller('api/v1/policies')
export class PolicyController {
  constructor(private readonly service: PolicyService) {}

  @Get()
  @ApiOkResponse({ type: PolicyDto, isArray: true })
  async list(@CurrentPrincipal() p: Principal): Promise<PolicyDto[]> {
    return (await this.service.list(p)).map(({ policy, canEdit }) => PolicyDto.from(policy, canEdit));
  }

  @Get('schema')
  @ApiOkResponse({ type: PolicySchemaDto })
  schema(): PolicySchemaDto {
    return { schema: this.service.schema() };
  }

  @Get(':jurisdiction')
  @ApiOkResponse({ type: PolicyVersionDto, description: 'The active version with its text and rules' })
  async active(@Param('jurisdiction') jurisdiction: string): Promise<PolicyVersionDto> {
    const v = await this.service.activeVersion(jurisdiction);
    return PolicyVersionDto.from(v, { text: v.text, policies: this.service.report(jurisdiction, v.text).policies });
  }

  @Get(':jurisdiction/versions')
  @ApiOkResponse({ type: PolicyVersionDto, isArray: true, description: 'Newest first; drafts only for those who may edit' })
  async versions(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string): Promise<PolicyVersionDto[]> {
    return (await this.service.versions(p, jurisdiction)).map((v) => PolicyVersionDto.from(v));
  }

  @Get(':jurisdiction/versions/:version')
  @ApiOkResponse({ type: PolicyVersionDto })
  async version(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string, @Param('version', ParseIntPipe) version: number): Promise<PolicyVersionDto> {
    const v = await this.service.version(p, jurisdiction, version);
    return PolicyVersionDto.from(v, { text: v.text, policies: this.service.report(jurisdiction, v.text).policies });
  }

  @Post(':jurisdiction/validate')
  @HttpCode(200)
  @ApiOkResponse({ type: PolicyReportDto, description: 'Problems with line and column; nothing is stored' })
  async validate(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string, @Body() dto: PolicyTextDto): Promise<PolicyReportDto> {
    return PolicyReportDto.from(await this.service.validate(p, jurisdiction, dto.text));
  }

  @Post(':jurisdiction/drafts')
  @ApiCreatedResponse({
    type: PolicyVersionDto,
    description: 'Stored as a draft version. Invalid text: 400 policy_invalid (or policy_foreign_edit, 413 policy_too_large) with the problems in details',
  })
  async createDraft(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string, @Body() dto: CreateDraftDto): Promise<PolicyVersionDto> {
    const { version, problems } = await this.service.createDraft(p, jurisdiction, dto.text, dto.reason);
    return PolicyVersionDto.from(version, { problems });
  }

  @Get(':jurisdiction/versions/:version/cosignatures')
  @ApiOkResponse({ type: CosignaturesDto, description: 'Whose co-signatures activating the version needs (for the caller as activator), and who has co-signed' })
  async cosignatures(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string, @Param('version', ParseIntPipe) version: number): Promise<CosignaturesDto> {
    return { jurisdiction, version, ...(await this.service.cosignatures(p, jurisdiction, version)) };
  }

  @Post(':jurisdiction/versions/:version/cosign')
  @HttpCode(200)
  @ApiOkResponse({
    type: PolicyVersionDto,
    description:
      'A legal officer of an organisation whose cameras the draft affects co-signs it (audited). 409 policy_cosignature_not_needed, policy_already_cosigned, policy_version_not_draft; 403 policy_cosign_forbidden',
  })
  async cosign(
    @CurrentPrincipal() p: Principal,
    @Param('jurisdiction') jurisdiction: string,
    @Param('version', ParseIntPipe) version: number,
    @Body() dto: CosignDto,
  ): Promise<PolicyVersionDto> {
    return PolicyVersionDto.from(await this.service.cosign(p, jurisdiction, version, dto.reason));
  }

  @Post(':jurisdiction/versions/:version/activate')
  @HttpCode(200)
  @ApiOkResponse({
    type: PolicyVersionDto,
    description:
      "The draft is now the active version; live grants are re-decided. 409 policy_cosignatures_missing (details.missing: the organisations whose legal officers must co-sign first) when it changes decisions on other organisations' cameras",
  })
  async activate(
    @CurrentPrincipal() p: Principal,
    @Param('jurisdiction') jurisdiction: string,
    @Param('version', ParseIntPipe) version: number,
    @Body() dto: ActivateDto,
  ): Promise<PolicyVersionDto> {
    return PolicyVersionDto.from(await this.service.activate(p, jurisdiction, version, dto.reason));
  }

  @Post(':jurisdiction/rollback')
  @ApiCreatedResponse({ type: PolicyVersionDto, description: 'A new active version with the text of an earlier one' })
  async rollback(@CurrentPrincipal() p: Principal, @Param('jurisdiction') jurisdiction: string, @Body() dto: RollbackDto): Promise<PolicyVersionDto> {
    return PolicyVersionDto.from(await this.service.rollback(p, jurisdiction, dto.toVersion, dto.reason));
  }
}
