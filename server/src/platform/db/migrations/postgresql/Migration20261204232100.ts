import { Migration } from '@mikro-orm/migrations';

export class Migration20261204232100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "augmentation" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "status" text check ("status" in ('queued', 'running', 'completed', 'failed', 'cancelled')) not null, "step" text check ("step" in ('cross_validation', 'generation', 'curation', 'training', 'done')) not null, "source_run_id" int null, "baseline_run_id" int null, "options" jsonb not null, "plan" jsonb null, "job_id" int null, "synthetic_dataset_id" int null, "curated_dataset_id" int null, "run_id" int null, "lift" jsonb null, "lease_owner" varchar(120) null, "lease_expires_at" timestamptz null, "error" text null, "finished_at" timestamptz null);`,
    );
    this.addSql(`create index "augmentation_status_index" on "augmentation" ("status");`);

    this.addSql(
      `alter table "augmentation" add constraint "augmentation_source_run_id_foreign" foreign key ("source_run_id") references "training_run" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "augmentation" add constraint "augmentation_baseline_run_id_foreign" foreign key ("baseline_run_id") references "training_run" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "augmentation" add constraint "augmentation_job_id_foreign" foreign key ("job_id") references "generation_job" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "augmentation" add constraint "augmentation_synthetic_dataset_id_foreign" foreign key ("synthetic_dataset_id") references "dataset" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "augmentation" add constraint "augmentation_curated_dataset_id_foreign" foreign key ("curated_dataset_id") references "dataset" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "augmentation" add constraint "augmentation_run_id_foreign" foreign key ("run_id") references "training_run" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "augmentation" cascade;`);
  }
}
