import { builtinEnvironments, type Environment } from 'vitest/runtime';

/**
 * Node, but with modules transformed for the browser: Svelte compiles `*.svelte.ts` runes for the
 * client, so `$effect` runs (server output drops effects). Used by the live store's test.
 */
export default {
  ...builtinEnvironments.node,
  name: 'node-client',
  viteEnvironment: 'client',
} satisfies Environment;
