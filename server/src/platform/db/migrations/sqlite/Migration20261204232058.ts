import { Migration } from '@mikro-orm/migrations';

export class Migration20261204232058 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`augmentation\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`status\` text check (\`status\` in ('queued', 'running', 'completed', 'failed', 'cancelled')) not null, \`step\` text check (\`step\` in ('cross_validation', 'generation', 'curation', 'training', 'done')) not null, \`source_run_id\` integer null, \`baseline_run_id\` integer null, \`options\` json not null, \`plan\` json null, \`job_id\` integer null, \`synthetic_dataset_id\` integer null, \`curated_dataset_id\` integer null, \`run_id\` integer null, \`lift\` json null, \`lease_owner\` text null, \`lease_expires_at\` datetime null, \`error\` text null, \`finished_at\` datetime null, constraint \`augmentation_source_run_id_foreign\` foreign key(\`source_run_id\`) references \`training_run\`(\`id\`) on delete set null on update cascade, constraint \`augmentation_baseline_run_id_foreign\` foreign key(\`baseline_run_id\`) references \`training_run\`(\`id\`) on delete set null on update cascade, constraint \`augmentation_job_id_foreign\` foreign key(\`job_id\`) references \`generation_job\`(\`id\`) on delete set null on update cascade, constraint \`augmentation_synthetic_dataset_id_foreign\` foreign key(\`synthetic_dataset_id\`) references \`dataset\`(\`id\`) on delete set null on update cascade, constraint \`augmentation_curated_dataset_id_foreign\` foreign key(\`curated_dataset_id\`) references \`dataset\`(\`id\`) on delete set null on update cascade, constraint \`augmentation_run_id_foreign\` foreign key(\`run_id\`) references \`training_run\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`augmentation_status_index\` on \`augmentation\` (\`status\`);`);
    this.addSql(
      `create index \`augmentation_source_run_id_index\` on \`augmentation\` (\`source_run_id\`);`,
    );
    this.addSql(
      `create index \`augmentation_baseline_run_id_index\` on \`augmentation\` (\`baseline_run_id\`);`,
    );
    this.addSql(`create index \`augmentation_job_id_index\` on \`augmentation\` (\`job_id\`);`);
    this.addSql(
      `create index \`augmentation_synthetic_dataset_id_index\` on \`augmentation\` (\`synthetic_dataset_id\`);`,
    );
    this.addSql(
      `create index \`augmentation_curated_dataset_id_index\` on \`augmentation\` (\`curated_dataset_id\`);`,
    );
    this.addSql(`create index \`augmentation_run_id_index\` on \`augmentation\` (\`run_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`augmentation\`;`);
  }
}
