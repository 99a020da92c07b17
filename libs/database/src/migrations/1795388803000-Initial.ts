import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables of the data model (generated from the entities, then reviewed). */
export class Initial1795388803000 implements MigrationInterface {
  name = 'Initial1795388803000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_entries" ("seq" bigint NOT NULL, "time" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_user" character varying(200) NOT NULL, "actor_organisation" character varying(64) NOT NULL, "actor_country" character varying(2) NOT NULL, "operation" character varying(16) NOT NULL, "object" character varying(300) NOT NULL, "justification" text NOT NULL DEFAULT '', "recipient" character varying(200) NOT NULL DEFAULT '', "decision" character varying(32) NOT NULL, "policy_ids" jsonb NOT NULL DEFAULT '[]', "details" jsonb NOT NULL DEFAULT '{}', "prev_hash" character varying(64) NOT NULL, "hash" character varying(64) NOT NULL, CONSTRAINT "PK_0de907d00514c64bf4c6fd7ae10" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "organisations" ("id" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "country" character varying(2) NOT NULL, "kind" character varying(32) NOT NULL, "legal_regime" character varying(8) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7bf54cba378d5b2f1d4c10ef4df" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "cameras" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "jurisdiction" character varying(2) NOT NULL, "kind" character varying(16) NOT NULL, "latitude" double precision NOT NULL, "longitude" double precision NOT NULL, "ingest_type" character varying(8) NOT NULL, "rtsp_url" text, "rtsp_transport" character varying(3) NOT NULL DEFAULT 'tcp', "credentials_encrypted" text, "push_protocol" character varying(4), "push_key_hash" character varying(64), "retention_days" integer NOT NULL, "recording_enabled" boolean NOT NULL DEFAULT true, "redaction_method" character varying(16), "state" character varying(16) NOT NULL DEFAULT 'offline', "state_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_88b40b9817f9f422121f861e1e8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_f4d42a10cbbc4a53945039ec16" ON "cameras" ("organisation_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_a393e2c6f1aa554a7fb0ca2e01" ON "cameras" ("push_key_hash") WHERE push_key_hash IS NOT NULL`);
    await queryRunner.query(
      `CREATE TABLE "clip_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "camera_id" uuid NOT NULL, "requester_id" character varying(200) NOT NULL, "requester_organisation" character varying(64) NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "purpose" text NOT NULL, "form" character varying(16) NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'submitted', "decided_by" character varying(200), "decision_reason" text, "progress" real NOT NULL DEFAULT '0', "sha256" character varying(64), "path" text, "expires_at" TIMESTAMP WITH TIME ZONE, "legal_hold" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3c7e0787da7245ada29e30b053a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_22523b639a4447df175abc192c" ON "clip_requests" ("camera_id") `);
    await queryRunner.query(
      `CREATE TABLE "incidents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(64) NOT NULL, "severity" integer NOT NULL, "title" character varying(500) NOT NULL DEFAULT '', "area" jsonb NOT NULL, "organisation_id" character varying(64) NOT NULL, "country" character varying(2) NOT NULL, "declared_by" character varying(200) NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ccb34c01719889017e2246469f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_291c34bf3a73083cf3b07165cb" ON "incidents" ("ends_at") `);
    await queryRunner.query(
      `CREATE TABLE "policies" ("jurisdiction" character varying(2) NOT NULL, "active_version" integer, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cc63416c8a4d467b1ee8a908057" PRIMARY KEY ("jurisdiction"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "policy_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "jurisdiction" character varying(2) NOT NULL, "version" integer NOT NULL, "text" text NOT NULL, "state" character varying(16) NOT NULL, "created_by" character varying(200) NOT NULL, "reason" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "activated_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_125d2970fc66a316f84af16812e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_c89f9723aa03fe0480638ef60c" ON "policy_versions" ("jurisdiction", "version") `);
    await queryRunner.query(
      `CREATE TABLE "recording_segments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "camera_id" uuid NOT NULL, "media_node" character varying(200) NOT NULL, "path" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE NOT NULL, "bytes" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1649c47feefd795369d0a04f540" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_6945d603860ecaad5ebd148030" ON "recording_segments" ("camera_id", "started_at") `);
    await queryRunner.query(
      `ALTER TABLE "cameras" ADD CONSTRAINT "FK_f4d42a10cbbc4a53945039ec168" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "clip_requests" ADD CONSTRAINT "FK_22523b639a4447df175abc192c2" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "incidents" ADD CONSTRAINT "FK_2d146b5c618d964683283cfcdc3" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "recording_segments" ADD CONSTRAINT "FK_3641ae63fc6a799ea9391ad3f9a" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "recording_segments" DROP CONSTRAINT "FK_3641ae63fc6a799ea9391ad3f9a"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP CONSTRAINT "FK_2d146b5c618d964683283cfcdc3"`);
    await queryRunner.query(`ALTER TABLE "clip_requests" DROP CONSTRAINT "FK_22523b639a4447df175abc192c2"`);
    await queryRunner.query(`ALTER TABLE "cameras" DROP CONSTRAINT "FK_f4d42a10cbbc4a53945039ec168"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6945d603860ecaad5ebd148030"`);
    await queryRunner.query(`DROP TABLE "recording_segments"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_c89f9723aa03fe0480638ef60c"`);
    await queryRunner.query(`DROP TABLE "policy_versions"`);
    await queryRunner.query(`DROP TABLE "policies"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_291c34bf3a73083cf3b07165cb"`);
    await queryRunner.query(`DROP TABLE "incidents"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_22523b639a4447df175abc192c"`);
    await queryRunner.query(`DROP TABLE "clip_requests"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a393e2c6f1aa554a7fb0ca2e01"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f4d42a10cbbc4a53945039ec16"`);
    await queryRunner.query(`DROP TABLE "cameras"`);
    await queryRunner.query(`DROP TABLE "organisations"`);
    await queryRunner.query(`DROP TABLE "audit_entries"`);
  }
}
