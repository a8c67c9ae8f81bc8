import { Migration } from '@mikro-orm/migrations';

// A training run's lineage (its datasets' id, name, kind and size at creation), readable after a dataset is
// deleted. Runs from before get it from their datasets as they are now (none when already deleted).
export class Migration20261204210502 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `training_run` add column `lineage` json null;');
    this.addSql(
      "update `training_run` set `lineage` = json_object('dataset', json((select json_object('id', `d`.`id`, 'name', `d`.`name`, 'kind', `d`.`kind`, 'itemCount', `d`.`item_count`) from `dataset` as `d` where `d`.`id` = `training_run`.`dataset_id`)), 'testDataset', json((select json_object('id', `t`.`id`, 'name', `t`.`name`, 'kind', `t`.`kind`, 'itemCount', `t`.`item_count`) from `dataset` as `t` where `t`.`id` = `training_run`.`test_dataset_id`))) where `dataset_id` is not null;",
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table `training_run` drop column `lineage`;');
  }
}
