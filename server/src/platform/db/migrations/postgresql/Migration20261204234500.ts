import { Migration } from '@mikro-orm/migrations';

// The LLM judge (docs/curation.md, "LLM judge"): judge runs, and each item's scores, unique per dataset, item key
// and judge.
export class Migration20261204234500 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table "judge_run" ("id" serial primary key, "created_at" timestamptz not null, "updated_at" timestamptz not null, "dataset_id" int not null, "status" text check ("status" in (\'queued\', \'running\', \'paused\', \'completed\', \'failed\', \'cancelled\')) not null, "provider" varchar(40) not null, "model" varchar(200) not null, "judge" varchar(240) not null, "mode" varchar(16) not null, "config" jsonb not null, "planned" int not null default 0, "scored" int not null default 0, "failed" int not null default 0, "calls" int not null default 0, "input_tokens" int not null default 0, "output_tokens" int not null default 0, "cost_usd" double precision not null default 0, "estimate_usd" double precision not null default 0, "error" text null, "batch_jobs" jsonb null, "lease_owner" varchar(120) null, "lease_expires_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null);',
    );
    this.addSql('create index "judge_run_dataset_id_index" on "judge_run" ("dataset_id");');
    this.addSql('create index "judge_run_status_index" on "judge_run" ("status");');
    this.addSql(
      'create index "judge_run_lease_expires_at_index" on "judge_run" ("lease_expires_at");',
    );
    this.addSql(
      'create table "judge_score" ("id" serial primary key, "dataset_id" int not null, "run_id" int not null, "item_key" varchar(200) not null, "judge" varchar(240) not null, "label_faithfulness" int not null, "customer_naturalness" int not null, "agent_quality" int null, "language_register" int not null, "overall" double precision not null, "reasons" jsonb not null, "created_at" timestamptz not null);',
    );
    this.addSql('create index "judge_score_run_id_index" on "judge_score" ("run_id");');
    this.addSql(
      'alter table "judge_score" add constraint "judge_score_dataset_id_item_key_judge_unique" unique ("dataset_id", "item_key", "judge");',
    );
    this.addSql(
      'alter table "judge_run" add constraint "judge_run_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;',
    );
    this.addSql(
      'alter table "judge_score" add constraint "judge_score_dataset_id_foreign" foreign key ("dataset_id") references "dataset" ("id") on update cascade on delete cascade;',
    );
    this.addSql(
      'alter table "judge_score" add constraint "judge_score_run_id_foreign" foreign key ("run_id") references "judge_run" ("id") on update cascade on delete cascade;',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "judge_score" cascade;');
    this.addSql('drop table if exists "judge_run" cascade;');
  }
}
