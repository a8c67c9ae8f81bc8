import { Migration } from '@mikro-orm/migrations';

// The LLM judge (docs/curation.md, "LLM judge"): judge runs, and each item's scores, unique per dataset, item key
// and judge.
export class Migration20261204234500 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      "create table `judge_run` (`id` integer not null primary key autoincrement, `created_at` datetime not null, `updated_at` datetime not null, `dataset_id` integer not null, `status` text check (`status` in ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled')) not null, `provider` text not null, `model` text not null, `judge` text not null, `mode` text not null, `config` json not null, `planned` integer not null default 0, `scored` integer not null default 0, `failed` integer not null default 0, `calls` integer not null default 0, `input_tokens` integer not null default 0, `output_tokens` integer not null default 0, `cost_usd` double not null default 0, `estimate_usd` double not null default 0, `error` text null, `batch_jobs` json null, `lease_owner` text null, `lease_expires_at` datetime null, `started_at` datetime null, `finished_at` datetime null, constraint `judge_run_dataset_id_foreign` foreign key(`dataset_id`) references `dataset`(`id`) on delete cascade on update cascade);",
    );
    this.addSql('create index `judge_run_dataset_id_index` on `judge_run` (`dataset_id`);');
    this.addSql('create index `judge_run_status_index` on `judge_run` (`status`);');
    this.addSql(
      'create index `judge_run_lease_expires_at_index` on `judge_run` (`lease_expires_at`);',
    );
    this.addSql(
      'create table `judge_score` (`id` integer not null primary key autoincrement, `dataset_id` integer not null, `run_id` integer not null, `item_key` text not null, `judge` text not null, `label_faithfulness` integer not null, `customer_naturalness` integer not null, `agent_quality` integer null, `language_register` integer not null, `overall` double not null, `reasons` json not null, `created_at` datetime not null, constraint `judge_score_dataset_id_foreign` foreign key(`dataset_id`) references `dataset`(`id`) on delete cascade on update cascade, constraint `judge_score_run_id_foreign` foreign key(`run_id`) references `judge_run`(`id`) on delete cascade on update cascade);',
    );
    this.addSql('create index `judge_score_dataset_id_index` on `judge_score` (`dataset_id`);');
    this.addSql('create index `judge_score_run_id_index` on `judge_score` (`run_id`);');
    this.addSql(
      'create unique index `judge_score_dataset_id_item_key_judge_unique` on `judge_score` (`dataset_id`, `item_key`, `judge`);',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `judge_score`;');
    this.addSql('drop table if exists `judge_run`;');
  }
}
