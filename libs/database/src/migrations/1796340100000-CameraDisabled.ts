import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A camera its administrators disabled (issue 13): no ingest, no new live sessions or clip requests; recordings stay. */
export class CameraDisabled1796340100000 implements MigrationInterface {
  name = 'CameraDisabled1796340100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "cameras" ADD "disabled_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "cameras" ADD "disabled_reason" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "cameras" DROP COLUMN "disabled_reason"`);
    await queryRunner.query(`ALTER TABLE "cameras" DROP COLUMN "disabled_at"`);
  }
}
