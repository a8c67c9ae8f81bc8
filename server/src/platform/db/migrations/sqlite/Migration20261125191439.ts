import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand to the real change (see scripts/create-migration.ts on the SQLite differ).
export class Migration20261125191439 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `generation_job` add column `batch_jobs` json null;');
  }
}
