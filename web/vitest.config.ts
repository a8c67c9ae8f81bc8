import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Unit tests cover the TS modules under src/lib, in Node. Tests of rune modules
// (`*.svelte.test.ts`, e.g. the live store) run with modules compiled for the browser: the Svelte
// plugin compiles their runes for the client and the browser condition loads Svelte's client
// runtime, so `$effect` runs as in a page (see test/client-environment.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.svelte.test.ts'],
        },
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'runes',
          include: ['test/**/*.svelte.test.ts'],
          environment: './test/client-environment.ts',
        },
      },
    ],
  },
});
