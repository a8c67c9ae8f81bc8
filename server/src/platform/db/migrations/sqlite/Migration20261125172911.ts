import { Migration } from '@mikro-orm/migrations';

export class Migration20261125172911 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`dataset\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`kind\` text check (\`kind\` in ('conversations', 'timeseries', 'utterances')) not null, \`origin\` text check (\`origin\` in ('generated', 'imported')) not null, \`description\` text null, \`item_count\` integer not null default 0, \`source\` json null);`,
    );
    this.addSql(`create index \`dataset_name_index\` on \`dataset\` (\`name\`);`);
    this.addSql(`create index \`dataset_kind_index\` on \`dataset\` (\`kind\`);`);
    this.addSql(`create index \`dataset_origin_index\` on \`dataset\` (\`origin\`);`);

    this.addSql(
      `create table \`dataset_item\` (\`id\` integer not null primary key autoincrement, \`dataset_id\` integer not null, \`key\` text not null, \`position\` integer not null, \`data\` json not null, \`intent\` text null, \`category\` text null, \`language\` text null, \`sentiment\` text null, \`complexity\` text null, \`series_type\` text null, \`domain\` text null, \`created_at\` datetime not null, constraint \`dataset_item_dataset_id_foreign\` foreign key(\`dataset_id\`) references \`dataset\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(
      `create index \`dataset_item_dataset_id_index\` on \`dataset_item\` (\`dataset_id\`);`,
    );
    this.addSql(
      `create index \`dataset_item_dataset_id_position_index\` on \`dataset_item\` (\`dataset_id\`, \`position\`);`,
    );
    this.addSql(
      `create index \`dataset_item_dataset_id_intent_index\` on \`dataset_item\` (\`dataset_id\`, \`intent\`);`,
    );
    this.addSql(
      `create index \`dataset_item_dataset_id_language_index\` on \`dataset_item\` (\`dataset_id\`, \`language\`);`,
    );
    this.addSql(
      `create index \`dataset_item_dataset_id_series_type_index\` on \`dataset_item\` (\`dataset_id\`, \`series_type\`);`,
    );
    this.addSql(
      `create unique index \`dataset_item_dataset_id_key_unique\` on \`dataset_item\` (\`dataset_id\`, \`key\`);`,
    );

    this.addSql(
      `create table \`dataset_tag\` (\`id\` integer not null primary key autoincrement, \`dataset_id\` integer not null, \`tag\` text not null, constraint \`dataset_tag_dataset_id_foreign\` foreign key(\`dataset_id\`) references \`dataset\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(
      `create index \`dataset_tag_dataset_id_index\` on \`dataset_tag\` (\`dataset_id\`);`,
    );
    this.addSql(`create index \`dataset_tag_tag_index\` on \`dataset_tag\` (\`tag\`);`);
    this.addSql(
      `create unique index \`dataset_tag_dataset_id_tag_unique\` on \`dataset_tag\` (\`dataset_id\`, \`tag\`);`,
    );

    this.addSql(
      `create table \`generation_job\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`kind\` text check (\`kind\` in ('conversations', 'timeseries', 'utterances')) not null, \`status\` text check (\`status\` in ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled')) not null, \`provider\` text not null, \`model\` text null, \`config\` json not null, \`dataset_id\` integer null, \`requested\` integer not null default 0, \`accepted\` integer not null default 0, \`rejected\` integer not null default 0, \`input_tokens\` integer not null default 0, \`output_tokens\` integer not null default 0, \`cost_usd\` double not null default 0, \`error\` text null, \`started_at\` datetime null, \`finished_at\` datetime null, constraint \`generation_job_dataset_id_foreign\` foreign key(\`dataset_id\`) references \`dataset\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`generation_job_status_index\` on \`generation_job\` (\`status\`);`);
    this.addSql(
      `create index \`generation_job_dataset_id_index\` on \`generation_job\` (\`dataset_id\`);`,
    );

    this.addSql(
      `create table \`training_run\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`status\` text check (\`status\` in ('queued', 'running', 'completed', 'failed', 'cancelled')) not null, \`dataset_id\` integer null, \`test_dataset_id\` integer null, \`config\` json not null, \`metrics\` json null, \`artifact\` json null, \`duration_ms\` integer null, \`error\` text null, \`finished_at\` datetime null, constraint \`training_run_dataset_id_foreign\` foreign key(\`dataset_id\`) references \`dataset\`(\`id\`) on delete set null on update cascade, constraint \`training_run_test_dataset_id_foreign\` foreign key(\`test_dataset_id\`) references \`dataset\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`training_run_status_index\` on \`training_run\` (\`status\`);`);
    this.addSql(
      `create index \`training_run_dataset_id_index\` on \`training_run\` (\`dataset_id\`);`,
    );
    this.addSql(
      `create index \`training_run_test_dataset_id_index\` on \`training_run\` (\`test_dataset_id\`);`,
    );

    this.addSql(
      `create table \`validation_report\` (\`id\` integer not null primary key autoincrement, \`dataset_id\` integer not null, \`version\` integer not null, \`reference\` json null, \`overall_score\` double null, \`report\` json not null, \`created_at\` datetime not null, constraint \`validation_report_dataset_id_foreign\` foreign key(\`dataset_id\`) references \`dataset\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(
      `create index \`validation_report_dataset_id_index\` on \`validation_report\` (\`dataset_id\`);`,
    );
    this.addSql(
      `create unique index \`validation_report_dataset_id_version_unique\` on \`validation_report\` (\`dataset_id\`, \`version\`);`,
    );
  }
}
