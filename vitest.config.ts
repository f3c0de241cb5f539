import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Unhandled rejections fail the run: nothing a backend does may leave one behind.
    dangerouslyIgnoreUnhandledErrors: false,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
