import { MigrationInterface, QueryRunner } from 'typeorm';

/** Clip request workflow: who asked and why, deadlines, the decision, the export job, the signed manifest, legal hold. */
export class ClipRequestWorkflow1796243905000 implements MigrationInterface {
  name = 'ClipRequestWorkflow1796243905000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const add = (column: string) => queryRunner.query(`ALTER TABLE "clip_requests" ADD ${column}`);
    await add(`"requester_name" character varying(200) NOT NULL DEFAULT ''`);
    await add(`"requester_country" character varying(2) NOT NULL DEFAULT ''`);
    await add(`"justification" text NOT NULL DEFAULT ''`);
    await add(`"case_reference" character varying(100)`);
    await add(`"urgent" boolean NOT NULL DEFAULT false`);
    await add(`"deadline_at" TIMESTAMP WITH TIME ZONE`);
    await add(`"policy_ids" jsonb NOT NULL DEFAULT '[]'`);
    await add(`"obligations" jsonb NOT NULL DEFAULT '{}'`);
    await add(`"legal_basis" text NOT NULL DEFAULT ''`);
    await add(`"decided_at" TIMESTAMP WITH TIME ZONE`);
    await add(`"decider_organisation" character varying(64)`);
    await add(`"approval_policy_ids" jsonb NOT NULL DEFAULT '[]'`);
    await add(`"export_started_at" TIMESTAMP WITH TIME ZONE`);
    await add(`"export_attempts" integer NOT NULL DEFAULT '0'`);
    await add(`"eta_sec" integer`);
    await add(`"error" text`);
    await add(`"bytes" bigint`);
    await add(`"anonymizer_models" jsonb NOT NULL DEFAULT '[]'`);
    await add(`"manifest" jsonb`);
    await add(`"hold_reason" text`);
    await add(`"held_by" character varying(200)`);
    await queryRunner.query(`CREATE INDEX "IDX_eb2608bb037f49dfcc91c20544" ON "clip_requests" ("deadline_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_eb2608bb037f49dfcc91c20544"`);
    for (const c of [
      'held_by',
      'hold_reason',
      'manifest',
      'anonymizer_models',
      'bytes',
      'error',
      'eta_sec',
      'export_attempts',
      'export_started_at',
      'approval_policy_ids',
      'decider_organisation',
      'decided_at',
      'legal_basis',
      'obligations',
      'policy_ids',
      'deadline_at',
      'urgent',
      'case_reference',
      'justification',
      'requester_country',
      'requester_name',
    ]) {
      await queryRunner.query(`ALTER TABLE "clip_requests" DROP COLUMN "${c}"`);
    }
  }
}
