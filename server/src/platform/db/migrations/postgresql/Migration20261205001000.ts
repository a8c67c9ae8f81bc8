import { Migration } from '@mikro-orm/migrations';

// A generation job's estimate at creation, its measured answer sizes and its progress samples; a dataset's
// content hash (the imported file's SHA-256, to notice the same file imported twice).
export class Migration20261205001000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table "generation_job" add column "estimate" jsonb null, add column "answer_sizes" jsonb null, add column "samples" jsonb null;',
    );
    this.addSql('alter table "dataset" add column "content_hash" varchar(64) null;');
    this.addSql('create index "dataset_content_hash_index" on "dataset" ("content_hash");');
  }

  override async down(): Promise<void> {
    this.addSql('drop index "dataset_content_hash_index";');
    this.addSql('alter table "dataset" drop column "content_hash";');
    this.addSql(
      'alter table "generation_job" drop column "estimate", drop column "answer_sizes", drop column "samples";',
    );
  }
}
