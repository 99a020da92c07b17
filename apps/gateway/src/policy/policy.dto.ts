import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { POLICY_VERSION_STATES, type PolicyEntity, type PolicyVersionEntity, type PolicyVersionState } from '@borderlens/database';
import { MAX_POLICY_BYTES, type PolicyProblem, type PolicySummary, type PolicyTextReport } from '@borderlens/policy';

export class PolicyDto {
  @ApiProperty({ example: 'CZ', description: 'Jurisdiction (country code) whose sharing rules these are' }) jurisdiction: string;
  @ApiProperty({ nullable: true, type: Number, example: 3 }) activeVersion: number | null;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ description: 'Whether the caller may edit these rules (policy.edit, decided by the policies themselves)' }) canEdit: boolean;

  static from(p: PolicyEntity, canEdit: boolean): PolicyDto {
    return { jurisdiction: p.jurisdiction, activeVersion: p.activeVersion, updatedAt: p.updatedAt.toISOString(), canEdit };
  }
}

export class PolicyProblemDto {
  @ApiProperty({ enum: ['error', 'warning'] }) severity: 'error' | 'warning';
  @ApiProperty({ example: 'syntax', description: 'too-large | syntax | schema | template | missing-id | duplicate-id | annotation | foreign-policy-edit | empty' }) code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional() help?: string;
  @ApiPropertyOptional({ description: '@id of the rule concerned' }) policyId?: string;
  @ApiPropertyOptional({ description: '1-based' }) line?: number;
  @ApiPropertyOptional({ description: '1-based' }) column?: number;
  @ApiPropertyOptional() endLine?: number;
  @ApiPropertyOptional() endColumn?: number;
}

export class PolicySummaryDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['permit', 'forbid'] }) effect: 'permit' | 'forbid';
  @ApiProperty() line: number;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ type: Object, description: 'Obligations the rule sets: watermark, purposeRequired, maxDurationSec, ownerApproval, anonymize' })
  obligations: PolicySummary['obligations'];
}

export class PolicyReportDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ type: [PolicyProblemDto] }) problems: PolicyProblem[];
  @ApiProperty({ type: [PolicySummaryDto] }) policies: PolicySummary[];

  static from(r: PolicyTextReport): PolicyReportDto {
    return { valid: r.valid, problems: r.problems, policies: r.policies };
  }
}

export class PolicyCosignatureDto {
  @ApiProperty() organisationId: string;
  @ApiProperty({ description: 'The co-signing legal officer' }) by: string;
  @ApiProperty() at: string;
  @ApiProperty() reason: string;
}

export class CosignDto {
  @ApiProperty({ description: 'Why your organisation agrees to these rules for its cameras (recorded in the audit trail)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class CosignaturesDto {
  @ApiProperty() jurisdiction: string;
  @ApiProperty() version: number;
  @ApiProperty({ type: [String], description: "Organisations (other than the activating legal officer's) on whose cameras the version decides differently from the active rules" })
  required: string[];
  @ApiProperty({ type: [PolicyCosignatureDto] }) cosignatures: PolicyCosignatureDto[];
  @ApiProperty({ type: [String], description: 'Required and not yet co-signed' }) missing: string[];
}

export class PolicyVersionDto {
  @ApiProperty() jurisdiction: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: POLICY_VERSION_STATES }) state: PolicyVersionState;
  @ApiProperty() createdBy: string;
  @ApiProperty({ description: 'Why it was written' }) reason: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true, type: String }) activatedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) activatedBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why it was activated' }) activationReason: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'For a rollback: the version whose text it repeats' }) sourceVersion: number | null;
  @ApiProperty({ type: [PolicyCosignatureDto], description: 'Co-signatures of other organisations whose cameras the version affects' }) cosignatures: PolicyCosignatureDto[];
  @ApiPropertyOptional({ description: 'The Cedar text (single-version reads only)' }) text?: string;
  @ApiPropertyOptional({ type: [PolicySummaryDto], description: 'The rules in the text (single-version reads only)' }) policies?: PolicySummary[];
  @ApiPropertyOptional({ type: [PolicyProblemDto], description: 'Warnings found when the draft was saved' }) problems?: PolicyProblem[];

  static from(v: PolicyVersionEntity, extra: Pick<PolicyVersionDto, 'text' | 'policies' | 'problems'> = {}): PolicyVersionDto {
    return {
      jurisdiction: v.jurisdiction,
      version: v.version,
      state: v.state,
      createdBy: v.createdBy,
      reason: v.reason,
      createdAt: v.createdAt.toISOString(),
      activatedAt: v.activatedAt?.toISOString() ?? null,
      activatedBy: v.activatedBy,
      activationReason: v.activationReason,
      sourceVersion: v.sourceVersion,
      cosignatures: v.cosignatures ?? [],
      ...extra,
    };
  }
}

export class PolicySchemaDto {
  @ApiProperty({ description: 'The Cedar schema every policy set is validated against (strict mode)' }) schema: string;
}

export class PolicyTextDto {
  @ApiProperty({ description: `Cedar policy text; at most ${MAX_POLICY_BYTES} bytes` })
  @IsString()
  text: string;
}

export class CreateDraftDto extends PolicyTextDto {
  @ApiPropertyOptional({ description: 'What the draft changes and why' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class ActivateDto {
  @ApiProperty({ description: 'Why this version is put into force (recorded in the audit trail)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class RollbackDto extends ActivateDto {
  @ApiProperty({ description: 'The earlier version whose text becomes active again (as a new version)' })
  @IsInt()
  @Min(1)
  toVersion: number;
}
