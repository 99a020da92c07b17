import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Periodic reviews of the need to keep recordings and clips under legal hold, for cameras of
 * organisations under the Law Enforcement Directive (issue 15; LED Art. 5, CJEU C-118/22).
 */
export class RetentionReviews1796330100000 implements MigrationInterface {
  name = 'RetentionReviews1796330100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "retention_reviews" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "camera_id" uuid NOT NULL, "reviewed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "reviewed_by" character varying(200) NOT NULL, "organisation_id" character varying(64) NOT NULL, "decision" character varying(16) NOT NULL, "reason" text NOT NULL, "retention_days" integer NOT NULL, "held_clip_ids" jsonb NOT NULL DEFAULT '[]', "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_71cb5d70c94ad7fafd5bfbda244" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_b7f6b1a99463d4cfc7820fedc2" ON "retention_reviews" ("camera_id", "reviewed_at") `);
    await queryRunner.query(
      `ALTER TABLE "retention_reviews" ADD CONSTRAINT "FK_2a9795ea7d1e8d4b09830406472" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "retention_reviews" DROP CONSTRAINT "FK_2a9795ea7d1e8d4b09830406472"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b7f6b1a99463d4cfc7820fedc2"`);
    await queryRunner.query(`DROP TABLE "retention_reviews"`);
  }
}
