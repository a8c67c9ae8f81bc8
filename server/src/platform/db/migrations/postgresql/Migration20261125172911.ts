import { Migration } from '@mikro-orm/migrations';

export class Migration20261125172911 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "dataset" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(120) not null, "kind" text check ("kind" in ('conversations', 'timeseries', 'utterances')) not null, "origin" text check ("origin" in ('generated', 'imported')) not null, "description" text null, "item_count" int not null default 0, "source" jsonb null);`,
    );
    this.addSql(`create index "dataset_name_index" on "dataset" ("name");`);
    this.addSql(`create index "dataset_kind_index" on "dataset" ("kind");`);
    this.addSql(`create index "dataset_origin_index" on "dataset" ("origin");`);

    this.addSql(
      `create table "dataset_item" ("id" serial primary key, "dataset_id" int not null, "key" varchar(200) not null, "position" int not null, "data" jsonb not null, "intent" varchar(80) null, "category" varchar(80) null, "language" varchar(8) null, "sentiment" varchar(16) null, "complexity" varchar(16) null, "series_type" varchar(40) null, "domain" varchar(40) null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `create index "dataset_item_dataset_id_position_index" on "dataset_item" ("dataset_id", "position");`,
    );
    this.addSql(
      `create index "dataset_item_dataset_id_intent_index" on "dataset_item" ("dataset_id", "intent");`,
    );
    this.addSql(
      `create index "dataset_item_dataset_id_language_index" on "dataset_item" ("dataset_id", "language");`,
    );
    this.addSql(
      `create index "dataset_item_dataset_id_series_type_index" on "dataset_item" ("dataset_id", "series_type");`,
    );
    this.addSql(
      `alter table "dataset_item" add constraint "dataset_item_dataset_id_key_unique" unique ("dataset_id", "key");`,
    );

    this.addSql(
      `create table "dataset_tag" ("id" serial primary key, "dataset_id" int not null, "tag" varchar(40) not null);`,
    );
    this.addSql(`create index "dataset_tag_tag_index" on "dataset_tag" ("tag");`);
    this.addSql(
      `alter table "dataset_tag" add constraint "dataset_tag_dataset_id_tag_unique" unique ("dataset_id", "tag");`,
    );

    this.addSql(
      `create table "generation_job" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "kind" text check ("kind" in ('conversations', 'timeseries', 'utterances')) not null, "status" text check ("status" in ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled')) not null, "provider" varchar(40) not null, "model" varchar(200) null, "config" jsonb not null, "dataset_id" int null, "requested" int not null default 0, "accepted" int not null default 0, "rejected" int not null default 0, "input_tokens" int not null default 0, "output_tokens" int not null default 0, "cost_usd" double precision not null default 0, "error" text null, "started_at" timestamptz null, "finished_at" timestamptz null);`,
    );
    this.addSql(`create index "generation_job_status_index" on "generation_job" ("status");`);

    this.addSql(
      `create table "training_run" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "status" text check ("status" in ('queued', 'running', 'completed', 'failed', 'cancelled')) not null, "dataset_id" int null, "test_dataset_id" int null, "config" jsonb not null, "metrics" jsonb null, "artifact" jsonb null, "duration_ms" int null, "error" text null, "finished_at" timestamptz null);`,
    );
    this.addSql(`create index "training_run_status_index" on "training_run" ("status");`);

    this.addSql(
      `create table "validation_report" ("id" serial primary key, "dataset_id" int not null, "version" int not null, "reference" jsonb null, "overall_score" double precision null, "report" jsonb not null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "validation_report" add constraint "validation_report_dataset_id_version_unique" unique ("dataset_id", "version");`,
    );

    this.addSql(
      `alter table "dataset_item" add constraint "dataset_item_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "dataset_tag" add constraint "dataset_tag_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "generation_job" add constraint "generation_job_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "training_run" add constraint "training_run_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "training_run" add constraint "training_run_test_dataset_id_foreign" foreign key ("test_dataset_id") references "dataset" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "validation_report" add constraint "validation_report_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "dataset_item" drop constraint "dataset_item_dataset_id_foreign";`);

    this.addSql(`alter table "dataset_tag" drop constraint "dataset_tag_dataset_id_foreign";`);

    this.addSql(
      `alter table "generation_job" drop constraint "generation_job_dataset_id_foreign";`,
    );

    this.addSql(`alter table "training_run" drop constraint "training_run_dataset_id_foreign";`);

    this.addSql(
      `alter table "training_run" drop constraint "training_run_test_dataset_id_foreign";`,
    );

    this.addSql(
      `alter table "validation_report" drop constraint "validation_report_dataset_id_foreign";`,
    );

    this.addSql(`drop table if exists "dataset" cascade;`);

    this.addSql(`drop table if exists "dataset_item" cascade;`);

    this.addSql(`drop table if exists "dataset_tag" cascade;`);

    this.addSql(`drop table if exists "generation_job" cascade;`);

    this.addSql(`drop table if exists "training_run" cascade;`);

    this.addSql(`drop table if exists "validation_report" cascade;`);
  }
}
