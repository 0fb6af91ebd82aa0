// Shared StrykerJS settings for each package's stryker.config.mjs. Run everything with `pnpm test:mutation`.
import { createRequire } from 'node:module';

// The runner is a root devDependency; a package's own node_modules does not hold it (pnpm), so it is
// loaded by path rather than by Stryker's default `@stryker-mutator/*` lookup.
const vitestRunner = createRequire(import.meta.url).resolve('@stryker-mutator/vitest-runner');

/**
 * @param {string[]} mutate the package's hot-path files, relative to the package
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function strykerConfig(mutate) {
  return {
    mutate,
    plugins: [vitestRunner],
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.config.ts' },
    coverageAnalysis: 'perTest',
    concurrency: 2,
    // Generous: on a busy 2-core machine, a test that is only slow must not count as a mutant that hangs.
    timeoutFactor: 2.5,
    timeoutMS: 10_000,
    incremental: true,
    incrementalFile: 'reports/stryker-incremental.json',
    thresholds: { high: 90, low: 80, break: null },
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: 'reports/mutation/mutation.html' },
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  };
}
