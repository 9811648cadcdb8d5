import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/**/*.test.ts',
      'kernel/**/*.test.ts',
      'plugins/*/test/**/*.test.ts',
      'agent/test/**/*.test.ts',
      'hostinfo/test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
