import { defineConfig } from 'vitest/config';

// Unit tests cover the pure TS modules under src/lib; they need no SvelteKit plugin.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
  },
});
