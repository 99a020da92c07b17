import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One word per concept (issue 10): the rows of `grants` are live sessions (a grant is only the signed
 * token a live session runs on), so the table becomes `live_sessions`. Renamed, with its keys and
 * indexes under the names TypeORM derives from the new table name; no row is touched.
 */
export class LiveSessions1796340000000 implements MigrationInterface {
  name = 'LiveSessions1796340000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "grants" RENAME TO "live_sessions"`);
    await queryRunner.query(`ALTER TABLE "live_sessions" RENAME CONSTRAINT "PK_a25f5f89eff8b3277f7969b7094" TO "PK_cc3225418b55b1e022dbfb6dca5"`);
    await queryRunner.query(`ALTER TABLE "live_sessions" RENAME CONSTRAINT "FK_533584208c5ae26e62d63a708b4" TO "FK_2fc2a629899f4af32c13d65d608"`);
    await queryRunner.query(`ALTER INDEX "public"."IDX_533584208c5ae26e62d63a708b" RENAME TO "IDX_2fc2a629899f4af32c13d65d60"`);
    await queryRunner.query(`ALTER INDEX "public"."IDX_37173bc98df1ffe06ac9248515" RENAME TO "IDX_b21bc25ef6b9720c76108a5fd6"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER INDEX "public"."IDX_b21bc25ef6b9720c76108a5fd6" RENAME TO "IDX_37173bc98df1ffe06ac9248515"`);
    await queryRunner.query(`ALTER INDEX "public"."IDX_2fc2a629899f4af32c13d65d60" RENAME TO "IDX_533584208c5ae26e62d63a708b"`);
    await queryRunner.query(`ALTER TABLE "live_sessions" RENAME CONSTRAINT "FK_2fc2a629899f4af32c13d65d608" TO "FK_533584208c5ae26e62d63a708b4"`);
    await queryRunner.query(`ALTER TABLE "live_sessions" RENAME CONSTRAINT "PK_cc3225418b55b1e022dbfb6dca5" TO "PK_a25f5f89eff8b3277f7969b7094"`);
    await queryRunner.query(`ALTER TABLE "live_sessions" RENAME TO "grants"`);
  }
}
