import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The README's fixtures import the package by its name: test the source, not a stale build.
    alias: { '@mcpscope/logging': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['test/build-if-stale.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
