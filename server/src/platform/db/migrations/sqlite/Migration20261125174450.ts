import { Migration } from '@mikro-orm/migrations';

// Trimmed by hand: MikroORM's SQLite differ also emitted table rebuilds of `dataset` and `training_run` for
// unchanged enum checks. Inside the migration transaction `pragma foreign_keys = off` is a no-op, so dropping
// `dataset` would cascade-delete every item. Only the real change is kept.
export class Migration20261125174450 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `generation_job` add column `calls` integer not null default 0;');
    this.addSql('alter table `generation_job` add column `retries` integer not null default 0;');
    this.addSql('alter table `generation_job` add column `throttles` integer not null default 0;');
    this.addSql(
      'alter table `generation_job` add column `cache_read_tokens` integer not null default 0;',
    );
    this.addSql(
      'alter table `generation_job` add column `cache_write_tokens` integer not null default 0;',
    );
    this.addSql('alter table `generation_job` add column `rejections` json null;');
  }
}
