import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand to the real change (see scripts/create-migration.ts on the SQLite differ).
export class Migration20261125185949 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `generation_job` add column `lease_owner` text null;');
    this.addSql('alter table `generation_job` add column `lease_expires_at` datetime null;');
    this.addSql(
      'create index `generation_job_lease_expires_at_index` on `generation_job` (`lease_expires_at`);',
    );
  }
}
