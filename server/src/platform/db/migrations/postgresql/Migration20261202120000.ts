import { Migration } from '@mikro-orm/migrations';

export class Migration20261202120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "training_run" add column "lease_owner" varchar(120) null, add column "lease_expires_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "training_run" drop column "lease_owner", drop column "lease_expires_at";`,
    );
  }
}
