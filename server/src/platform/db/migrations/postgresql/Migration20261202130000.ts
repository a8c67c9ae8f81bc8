import { Migration } from '@mikro-orm/migrations';

// Indexes for the remaining item filters (category, sentiment, complexity, domain), as for intent and language.
export class Migration20261202130000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index "dataset_item_dataset_id_category_index" on "dataset_item" ("dataset_id", "category");',
    );
    this.addSql(
      'create index "dataset_item_dataset_id_sentiment_index" on "dataset_item" ("dataset_id", "sentiment");',
    );
    this.addSql(
      'create index "dataset_item_dataset_id_complexity_index" on "dataset_item" ("dataset_id", "complexity");',
    );
    this.addSql(
      'create index "dataset_item_dataset_id_domain_index" on "dataset_item" ("dataset_id", "domain");',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index "dataset_item_dataset_id_category_index";');
    this.addSql('drop index "dataset_item_dataset_id_sentiment_index";');
    this.addSql('drop index "dataset_item_dataset_id_complexity_index";');
    this.addSql('drop index "dataset_item_dataset_id_domain_index";');
  }
}
