import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The soak compares heap sizes after full collections (global.gc).
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
