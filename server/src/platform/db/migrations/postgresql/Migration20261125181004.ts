import { Migration } from '@mikro-orm/migrations';

export class Migration20261125181004 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "training_run" add column "experiment" varchar(120) null, add column "preset" varchar(40) null, add column "model" bytea null, add column "progress" jsonb null;`,
    );
    this.addSql(`create index "training_run_experiment_index" on "training_run" ("experiment");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "training_run_experiment_index";`);
    this.addSql(
      `alter table "training_run" drop column "experiment", drop column "preset", drop column "model", drop column "progress";`,
    );
  }
}
