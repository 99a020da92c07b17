import { MigrationInterface, QueryRunner } from 'typeorm';

/** Live grants (sessions), who ended an incident and why, who activated a policy version and why (generated, then reviewed). */
export class PoliciesIncidentsGrants1795388805000 implements MigrationInterface {
  name = 'PoliciesIncidentsGrants1795388805000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "grants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "camera_id" uuid NOT NULL, "user_id" character varying(200) NOT NULL, "username" character varying(200) NOT NULL, "user_name" character varying(200) NOT NULL DEFAULT '', "organisation_id" character varying(64) NOT NULL, "country" character varying(2) NOT NULL, "roles" jsonb NOT NULL DEFAULT '[]', "form" character varying(16) NOT NULL, "requested_form" character varying(16) NOT NULL, "purpose" text NOT NULL DEFAULT '', "duration_sec" integer, "obligations" jsonb NOT NULL DEFAULT '{}', "policy_ids" jsonb NOT NULL DEFAULT '[]', "incident_ids" jsonb NOT NULL DEFAULT '[]', "tokens" jsonb NOT NULL DEFAULT '[]', "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE, "state" character varying(16) NOT NULL DEFAULT 'active', "end_reason" text, "pending_change" jsonb, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a25f5f89eff8b3277f7969b7094" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_533584208c5ae26e62d63a708b" ON "grants" ("camera_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_37173bc98df1ffe06ac9248515" ON "grants" ("state", "form") `);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "ended_by" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "end_reason" text`);
    await queryRunner.query(`ALTER TABLE "policy_versions" ADD "activated_by" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "policy_versions" ADD "activation_reason" text`);
    await queryRunner.query(`ALTER TABLE "policy_versions" ADD "source_version" integer`);
    await queryRunner.query(
      `ALTER TABLE "grants" ADD CONSTRAINT "FK_533584208c5ae26e62d63a708b4" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "grants" DROP CONSTRAINT "FK_533584208c5ae26e62d63a708b4"`);
    await queryRunner.query(`ALTER TABLE "policy_versions" DROP COLUMN "source_version"`);
    await queryRunner.query(`ALTER TABLE "policy_versions" DROP COLUMN "activation_reason"`);
    await queryRunner.query(`ALTER TABLE "policy_versions" DROP COLUMN "activated_by"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "end_reason"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "ended_by"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_37173bc98df1ffe06ac9248515"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_533584208c5ae26e62d63a708b"`);
    await queryRunner.query(`DROP TABLE "grants"`);
  }
}
