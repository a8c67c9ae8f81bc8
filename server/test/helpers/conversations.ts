import type { Conversation } from '@genesis/schema/conversation';
import { resolveConfig } from '../../src/generation/config.ts';
import { planConversations } from '../../src/generation/plan.ts';
import { answerConversations } from '../../src/llm/local/conversations/answer.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Services } from '../../src/platform/db/orm.ts';
import { itemColumns, itemKey } from '../../src/registry/columns.ts';

/** `count` conversations from the local writer, seeded: the same data on every run. */
export function generatedConversations(count: number, seed = 11): Conversation[] {
  const config = resolveConfig(
    { kind: 'conversations', count, provider: 'local', seed, targets: {} },
    loadConfig({}),
  );
  return answerConversations(planConversations(config), String(seed)).conversations.map(
    ({ slot: _slot, ...c }) => c,
  );
}

/** Stores `items` as an imported conversations dataset named `name`, straight through the registry. */
export function storeConversations(services: Services, name: string, items: Conversation[]) {
  return services.datasets(services.em.fork()).createWithItems(
    { name, kind: 'conversations', origin: 'imported' },
    items.map((c, i) => ({
      key: itemKey('conversations', c, i),
      data: c,
      columns: itemColumns('conversations', c),
    })),
  );
}
