import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Packing the packages and one `npm install` per README from the registry (the npm cache makes repeats fast).
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
