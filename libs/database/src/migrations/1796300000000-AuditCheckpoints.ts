import { MigrationInterface, QueryRunner } from 'typeorm';

/** Signed checkpoints of the audit chain's head, append-only like the entries. */
export class AuditCheckpoints1796300000000 implements MigrationInterface {
  name = 'AuditCheckpoints1796300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_checkpoints (
      seq bigint PRIMARY KEY,
      hash varchar(64) NOT NULL,
      time timestamptz NOT NULL,
      token text NOT NULL
    )`);
    await q.query(`
      CREATE FUNCTION audit_checkpoints_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_checkpoints is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
      FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_refuse_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_checkpoints');
    await q.query('DROP FUNCTION audit_checkpoints_refuse_change()');
  }
}
