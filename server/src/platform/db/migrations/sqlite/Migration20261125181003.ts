import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand to the real change (see scripts/create-migration.ts on the SQLite differ).
export class Migration20261125181003 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `training_run` add column `experiment` text null;');
    this.addSql('alter table `training_run` add column `preset` text null;');
    this.addSql('alter table `training_run` add column `model` blob null;');
    this.addSql('alter table `training_run` add column `progress` json null;');
    this.addSql('create index `training_run_experiment_index` on `training_run` (`experiment`);');
  }
}
