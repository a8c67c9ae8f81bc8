import { Migration } from '@mikro-orm/migrations';

// The `completed_short` job status, and a job's top-ups and last-run rate and concurrency.
export class Migration20261204213916 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table "generation_job" drop constraint if exists "generation_job_status_check";',
    );
    this.addSql(
      'alter table "generation_job" add column "top_ups" int not null default 0, add column "final_items_per_minute" double precision null, add column "final_concurrency" int null;',
    );
    this.addSql(
      `alter table "generation_job" add constraint "generation_job_status_check" check("status" in ('queued', 'running', 'paused', 'completed', 'completed_short', 'failed', 'cancelled'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      'alter table "generation_job" drop constraint if exists "generation_job_status_check";',
    );
    this.addSql(
      'alter table "generation_job" drop column "top_ups", drop column "final_items_per_minute", drop column "final_concurrency";',
    );
    this.addSql(
      `alter table "generation_job" add constraint "generation_job_status_check" check("status" in ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled'));`,
    );
  }
}
