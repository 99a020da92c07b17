import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents across the border: the countries an incident's area touches, the declaring user's country,
 * and each country's acceptance (dual control). Existing incidents stay in effect for the country they
 * were declared in, as before.
 */
export class IncidentAcceptance1796244087000 implements MigrationInterface {
  name = 'IncidentAcceptance1796244087000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incidents" ADD "countries" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "declaring_country" character varying(2)`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "acceptances" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `UPDATE "incidents" SET "countries" = jsonb_build_array("country"), "declaring_country" = "country", "acceptances" = jsonb_build_object("country", jsonb_build_object('state', 'accepted', 'organisationId', "organisation_id", 'by', "declared_by", 'at', to_jsonb("created_at"), 'reason', 'declared'))`,
    );
    await queryRunner.query(`ALTER TABLE "incidents" ALTER COLUMN "declaring_country" SET NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "acceptances"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "declaring_country"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "countries"`);
  }
}
