import { Migration } from '@mikro-orm/migrations';

// Written by hand. A generation job's status text as a message code and parameters beside its English `error`, so
// the web app says it in the reader's language (docs/generation.md, "Job status text"); older jobs keep null.
export class Migration20261206003000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "generation_job" add column "error_message" jsonb null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table "generation_job" drop column "error_message";');
  }
}
