import { Migration } from '@mikro-orm/migrations';

export class Migration20261125191439 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "generation_job" add column "batch_jobs" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "generation_job" drop column "batch_jobs";`);
  }
}
