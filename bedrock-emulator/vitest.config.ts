import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The tests drive the real AWS SDK over real sockets, with latencies and stalls of a few hundred ms.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
