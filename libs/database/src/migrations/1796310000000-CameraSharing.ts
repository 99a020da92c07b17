import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each camera's sharing level, decided by its owner (issue 15). Existing cameras get the defaults:
 * municipal cameras on request (partners also see counts), police and fire cameras live anonymized.
 */
export class CameraSharing1796310000000 implements MigrationInterface {
  name = 'CameraSharing1796310000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "cameras" ADD "sharing" character varying(16)`);
    await queryRunner.query(
      `UPDATE "cameras" c SET "sharing" = CASE WHEN o."kind" IN ('municipality', 'municipal-police') THEN 'on-request' ELSE 'live-anonymized' END FROM "organisations" o WHERE o."id" = c."organisation_id"`,
    );
    await queryRunner.query(`UPDATE "cameras" SET "sharing" = 'on-request' WHERE "sharing" IS NULL`);
    await queryRunner.query(`ALTER TABLE "cameras" ALTER COLUMN "sharing" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "cameras" ALTER COLUMN "sharing" SET DEFAULT 'on-request'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "cameras" DROP COLUMN "sharing"`);
  }
}
