/**
 * npm test runs the test suite on Node 20, 22 and 24 (scripts/test-all.sh puts each version's `node`
 * first on PATH and sets MCPSCOPE_NODE_VERSION). These tests run in every one of those runs: the Node
 * running them is the one asked for, and so is every Node a test starts, whether by `process.execPath`
 * or by `node` from PATH. And the three places that list the versions agree.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type PackageJson, read, readJson, readYaml, workspacePackages } from './repository.js';

const expected = process.env.MCPSCOPE_NODE_VERSION;
const MATRIX = ['20', '22', '24'];

function versionOf(command: string): string {
  return execFileSync(command, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
}

describe('the Node.js that runs the tests', () => {
  it.skipIf(expected === undefined)(`is Node ${expected ?? '(MCPSCOPE_NODE_VERSION unset)'}`, () => {
    expect(process.version.split('.')[0]).toBe(`v${expected}`);
  });

  it('is the Node that child processes get, by process.execPath and by `node` from PATH', () => {
    expect(versionOf(process.execPath)).toBe(process.version);
    expect(versionOf('node')).toBe(process.version);
  });
});

describe('the Node.js versions of the test matrix', () => {
  const dependencies = (manifest: PackageJson) => ({
    ...manifest.dependencies,
    ...manifest.devDependencies,
    ...manifest.optionalDependencies,
  });

  it('are the same in test-all.sh, the node-versions package and the CI workflow', () => {
    const script = read('scripts/test-all.sh');
    expect(script.match(/MCPSCOPE_NODE_VERSIONS:-([\d ]+)\}/)?.[1]?.split(' ')).toEqual(MATRIX);

    const binaries = readJson<PackageJson>('tests/repository/node-versions/package.json');
    expect(Object.keys(binaries.dependencies ?? {}).sort()).toEqual(MATRIX.map((major) => `node${major}`));
    for (const [alias, specifier] of Object.entries(binaries.dependencies ?? {})) {
      // node22 is the `node` package at an exact 22.x.y (the lockfile pins its download).
      expect(specifier).toMatch(new RegExp(`^npm:node@${alias.slice('node'.length)}\\.\\d+\\.\\d+$`));
    }

    const ci = readYaml<{ jobs: Record<string, { strategy?: { matrix?: { node?: unknown[] } } }> }>(
      '.github/workflows/ci.yml',
    );
    const matrices = Object.values(ci.jobs).map((job) => job.strategy?.matrix?.node?.map(String));
    expect(matrices).toContainEqual(MATRIX);
  });

  it('come from a package no test runs in: a `node` in its node_modules/.bin would replace PATH`s node', () => {
    for (const { path, manifest } of workspacePackages()) {
      const all = dependencies(manifest);
      const bringsNode =
        'node' in all || Object.values(all).some((specifier) => specifier.startsWith('npm:node@'));
      if (!bringsNode) continue;
      // bench has `node` (its Node 24) and no test script; the node-versions package has no scripts at all.
      expect(
        manifest.scripts?.test,
        `${path} depends on the node package and has a test script`,
      ).toBeUndefined();
    }
    const binaries = readJson<PackageJson>('tests/repository/node-versions/package.json');
    expect(binaries.scripts).toBeUndefined();
    expect(binaries.private).toBe(true);
  });
});
