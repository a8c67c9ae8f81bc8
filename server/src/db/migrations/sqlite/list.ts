import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125172911 } from './Migration20261125172911.ts';

export const migrationsList: MigrationObject[] = [{ name: 'Migration20261125172911', class: Migration20261125172911 }];
