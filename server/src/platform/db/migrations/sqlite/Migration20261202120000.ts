import { Migration } from '@mikro-orm/migrations';

// Written by hand as plain column additions (see scripts/create-migration.ts on the SQLite differ).
export class Migration20261202120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `training_run` add column `lease_owner` text null;');
    this.addSql('alter table `training_run` add column `lease_expires_at` datetime null;');
  }
}
