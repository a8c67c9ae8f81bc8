import { Migration } from '@mikro-orm/migrations';

// Written by hand. A conversation item's resolution (its record's `resolution_status`) becomes a label column
// like sentiment and complexity, so the registry counts and filters by it; items stored before are filled from
// their records, and the index matches the other label columns' (docs/benchmarks.md, "bench:load").
export class Migration20261205004000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "dataset_item" add column "resolution" varchar(16) null;');
    this.addSql(
      `update "dataset_item" set "resolution" = "data"->>'resolution_status' where "dataset_id" in (select "id" from "dataset" where "kind" = 'conversations');`,
    );
    this.addSql(
      'create index "dataset_item_dataset_id_resolution_position_index" on "dataset_item" ("dataset_id", "resolution", "position");',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "dataset_item_dataset_id_resolution_position_index";');
    this.addSql('alter table "dataset_item" drop column "resolution";');
  }
}
