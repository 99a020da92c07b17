import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Analytics: per-camera zones, lines and alert rules; per-minute counts; raised alerts. */
export class Analytics1796244737000 implements MigrationInterface {
  name = 'Analytics1796244737000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "analytics_configs" ("camera_id" uuid NOT NULL, "enabled" boolean NOT NULL DEFAULT false, "zones" jsonb NOT NULL DEFAULT '[]', "lines" jsonb NOT NULL DEFAULT '[]', "alerts" jsonb NOT NULL DEFAULT '[]', "revision" integer NOT NULL DEFAULT '1', "updated_by" character varying(200) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5fb5d19c971d3c7110f88a2d537" PRIMARY KEY ("camera_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "analytics_minutes" ("camera_id" uuid NOT NULL, "minute" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" character varying(4) NOT NULL, "target_id" character varying(40) NOT NULL, "cls" character varying(12) NOT NULL, "direction" character varying(8) NOT NULL, "crossings" integer NOT NULL DEFAULT '0', "occupancy_max" integer NOT NULL DEFAULT '0', "occupancy_avg" real NOT NULL DEFAULT '0', "samples" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_f8a421332a8fed975d8513eb616" PRIMARY KEY ("camera_id", "minute", "kind", "target_id", "cls", "direction"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_1148454dfdb1dae99a9cb511d5" ON "analytics_minutes" ("minute") `);
    await queryRunner.query(
      `CREATE TABLE "analytics_alerts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "camera_id" uuid NOT NULL, "rule_id" character varying(40) NOT NULL, "message" text NOT NULL, "value" real NOT NULL, "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" character varying(200), CONSTRAINT "PK_0d02d3a6542377ba75b03aed12c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_833ba0058b5cffb5424497b72a" ON "analytics_alerts" ("camera_id", "raised_at") `);
    await queryRunner.query(
      `ALTER TABLE "analytics_configs" ADD CONSTRAINT "FK_5fb5d19c971d3c7110f88a2d537" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analytics_minutes" ADD CONSTRAINT "FK_2dfadbe27dff86b4637817d20b7" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analytics_alerts" ADD CONSTRAINT "FK_b33daf05ddd93b92c4eeeea48c3" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "analytics_alerts" DROP CONSTRAINT "FK_b33daf05ddd93b92c4eeeea48c3"`);
    await queryRunner.query(`ALTER TABLE "analytics_minutes" DROP CONSTRAINT "FK_2dfadbe27dff86b4637817d20b7"`);
    await queryRunner.query(`ALTER TABLE "analytics_configs" DROP CONSTRAINT "FK_5fb5d19c971d3c7110f88a2d537"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_833ba0058b5cffb5424497b72a"`);
    await queryRunner.query(`DROP TABLE "analytics_alerts"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_1148454dfdb1dae99a9cb511d5"`);
    await queryRunner.query(`DROP TABLE "analytics_minutes"`);
    await queryRunner.query(`DROP TABLE "analytics_configs"`);
  }
}
