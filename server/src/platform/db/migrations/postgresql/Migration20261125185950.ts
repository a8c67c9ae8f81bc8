import { Migration } from '@mikro-orm/migrations';

export class Migration20261125185950 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "generation_job" add column "lease_owner" varchar(120) null, add column "lease_expires_at" timestamptz null;`,
    );
    this.addSql(
      `create index "generation_job_lease_expires_at_index" on "generation_job" ("lease_expires_at");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "generation_job_lease_expires_at_index";`);
    this.addSql(
      `alter table "generation_job" drop column "lease_owner", drop column "lease_expires_at";`,
    );
  }
}
