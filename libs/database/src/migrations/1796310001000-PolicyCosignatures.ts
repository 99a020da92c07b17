import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Co-signatures of policy versions (issue 15): activating a version that changes decisions on another
 * organisation's cameras needs that organisation's legal officer to co-sign it first.
 */
export class PolicyCosignatures1796310001000 implements MigrationInterface {
  name = 'PolicyCosignatures1796310001000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "policy_versions" ADD "cosignatures" jsonb NOT NULL DEFAULT '[]'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "policy_versions" DROP COLUMN "cosignatures"`);
  }
}
