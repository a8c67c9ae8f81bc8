import { Migration } from '@mikro-orm/migrations';

// Written by hand. The dataset's item count, kept by the repository in the transactions that insert and delete
// items, is recounted from the items once (rows written before it was kept everywhere). The item label indexes
// gain the position, so a filtered page is one index range in dataset order instead of a scan of the position
// index with a filter (query plans in docs/benchmarks.md, "bench:load").
export class Migration20261205003000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'update `dataset` set `item_count` = (select count(*) from `dataset_item` where `dataset_item`.`dataset_id` = `dataset`.`id`);',
    );
    this.addSql('drop index if exists `dataset_item_dataset_id_intent_index`;');
    this.addSql(
      'create index `dataset_item_dataset_id_intent_position_index` on `dataset_item` (`dataset_id`, `intent`, `position`);',
    );
    this.addSql('drop index if exists `dataset_item_dataset_id_language_index`;');
    this.addSql(
      'create index `dataset_item_dataset_id_language_position_index` on `dataset_item` (`dataset_id`, `language`, `position`);',
    );
    this.addSql('drop index if exists `dataset_item_dataset_id_series_type_index`;');
    this.addSql(
      'create index `dataset_item_dataset_id_series_type_position_index` on `dataset_item` (`dataset_id`, `series_type`, `position`);',
    );
    this.addSql('drop index if exists `dataset_item_dataset_id_category_index`;');
    this.addSql(
      'create index `dataset_item_dataset_id_category_position_index` on `dataset_item` (`dataset_id`, `category`, `position`);',
    );
    this.addSql('drop index if exists `dataset_item_dataset_id_sentiment_index`;');
    this.addSql(
      'create index `dataset_item_dataset_id_sentiment_position_index` on `dataset_item` (`dataset_id`, `sentiment`, `position`);',
    );
    this.addSql('drop index if exists `dataset_item_dataset_id_complexity_index`;');
    this.addSql(
      'create index `dataset_item_dataset_id_complexity_position_index` on `dataset_item` (`dataset_id`, `complexity`, `position`);',
    );
    this.addSql('drop index if exists `dataset_item_dataset_id_domain_index`;');
    this.addSql(
      'create index `dataset_item_dataset_id_domain_position_index` on `dataset_item` (`dataset_id`, `domain`, `position`);',
    );
  }
}
