/** Writes the printed, sorted GraphQL schema to schema/schema.graphql (the committed API contract). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../src/platform/config.ts';
import { printedSchema } from '../src/platform/graphql/schema.ts';

const file = resolve(REPO_ROOT, 'schema/schema.graphql');
writeFileSync(file, printedSchema());
console.log(`wrote ${file}`);
