import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the `source` condition: tests run
// against the sources, published packages against their built dist/.
const conditions = ['source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: [
      'tests/**/*.test.ts',
      'kernel/**/*.test.ts',
      'protocol/test/**/*.test.ts',
      'plugins/*/test/**/*.test.ts',
      'agent/test/**/*.test.ts',
      'hostinfo/test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
