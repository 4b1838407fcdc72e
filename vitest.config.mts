import { defineConfig } from 'vitest/config';
import * as path from 'node:path';

export default defineConfig({
  resolve: {
    alias: [
      // The plugin's graph code imports one module of core's build output directly (see graph/marker.ts).
      { find: /^@nx-lambda\/core\/dist\/(.*)$/, replacement: path.resolve(__dirname, 'packages/core/src/$1') },
      { find: /^@nx-lambda\/core$/, replacement: path.resolve(__dirname, 'packages/core/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'tools/**/*.spec.ts', 'e2e/**/*.spec.ts'],
    // Deletes the temp folders each spec file made, after its tests.
    setupFiles: ['packages/core/src/test-support/remove-temp-dirs.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 180_000,
    hookTimeout: 600_000,
    env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  },
});
