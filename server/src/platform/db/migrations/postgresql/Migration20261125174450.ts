import { Migration } from '@mikro-orm/migrations';

export class Migration20261125174450 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "generation_job" add column "calls" int not null default 0, add column "retries" int not null default 0, add column "throttles" int not null default 0, add column "cache_read_tokens" int not null default 0, add column "cache_write_tokens" int not null default 0, add column "rejections" jsonb null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "generation_job" drop column "calls", drop column "retries", drop column "throttles", drop column "cache_read_tokens", drop column "cache_write_tokens", drop column "rejections";`,
    );
  }
}
