import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A segment is indexed once per media node and path: a node that lost the answer to its report sends
 * it again. Duplicates already indexed (the earlier rows are kept) are removed first.
 */
export class SegmentIndexedOnce1796320000000 implements MigrationInterface {
  name = 'SegmentIndexedOnce1796320000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM "recording_segments" s USING "recording_segments" k WHERE s."media_node" = k."media_node" AND s."path" = k."path" AND (s."created_at", s."id") > (k."created_at", k."id")`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_7701a6f4c5727ca16e0c7c83ac" ON "recording_segments" ("media_node", "path") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_7701a6f4c5727ca16e0c7c83ac"`);
  }
}
