import { Migration } from '@mikro-orm/migrations';

// Written by hand (see scripts/create-migration.ts on the SQLite differ, which missed the status check): the
// `completed_short` job status, and a job's top-ups and last-run rate and concurrency. SQLite cannot change a
// check constraint in place, so `generation_job` is rebuilt; no table references it, so dropping the old one
// inside the migration transaction cascades to nothing.
const COLUMNS =
  '`id`, `created_at`, `updated_at`, `kind`, `status`, `provider`, `model`, `config`, `dataset_id`, `requested`, `accepted`, `rejected`, `input_tokens`, `output_tokens`, `cost_usd`, `error`, `started_at`, `finished_at`, `calls`, `retries`, `throttles`, `cache_read_tokens`, `cache_write_tokens`, `rejections`, `lease_owner`, `lease_expires_at`, `batch_jobs`';

export class Migration20261204213915 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      "create table `generation_job__new` (`id` integer not null primary key autoincrement, `created_at` datetime not null, `updated_at` datetime not null, `kind` text check (`kind` in ('conversations', 'timeseries', 'utterances')) not null, `status` text check (`status` in ('queued', 'running', 'paused', 'completed', 'completed_short', 'failed', 'cancelled')) not null, `provider` text not null, `model` text null, `config` json not null, `dataset_id` integer null, `requested` integer not null default 0, `accepted` integer not null default 0, `rejected` integer not null default 0, `input_tokens` integer not null default 0, `output_tokens` integer not null default 0, `cost_usd` double not null default 0, `error` text null, `started_at` datetime null, `finished_at` datetime null, `calls` integer not null default 0, `retries` integer not null default 0, `throttles` integer not null default 0, `cache_read_tokens` integer not null default 0, `cache_write_tokens` integer not null default 0, `rejections` json null, `lease_owner` text null, `lease_expires_at` datetime null, `batch_jobs` json null, `top_ups` integer not null default 0, `final_items_per_minute` double null, `final_concurrency` integer null, constraint `generation_job_dataset_id_foreign` foreign key(`dataset_id`) references `dataset`(`id`) on delete set null on update cascade);",
    );
    this.addSql(
      `insert into \`generation_job__new\` (${COLUMNS}) select ${COLUMNS} from \`generation_job\`;`,
    );
    this.addSql('drop table `generation_job`;');
    this.addSql('alter table `generation_job__new` rename to `generation_job`;');
    this.addSql('create index `generation_job_status_index` on `generation_job` (`status`);');
    this.addSql(
      'create index `generation_job_dataset_id_index` on `generation_job` (`dataset_id`);',
    );
    this.addSql(
      'create index `generation_job_lease_expires_at_index` on `generation_job` (`lease_expires_at`);',
    );
  }
}
