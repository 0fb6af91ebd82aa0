/**
 * What a public release needs besides the workflow: changesets publishes public packages from main, the
 * MIT LICENSE matches every published package's license field, and each published package names the
 * repository that npm provenance ties it to.
 */
import { describe, expect, it } from 'vitest';
import { type PackageJson, read, readJson, workspacePackages } from './repository.js';

interface ChangesetConfig {
  readonly access: string;
  readonly baseBranch: string;
  readonly ignore: readonly string[];
}

const published = workspacePackages().filter(({ manifest }) => manifest.private !== true);

describe('release configuration', () => {
  it('publishes with public access, versions against main, ignores no published package', () => {
    const config = readJson<ChangesetConfig>('.changeset/config.json');
    expect(config.access).toBe('public');
    expect(config.baseBranch).toBe('main');
    for (const { manifest } of published) expect(config.ignore).not.toContain(manifest.name);
  });

  it('has an MIT LICENSE, the license every published package declares', () => {
    const license = read('LICENSE');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the mcpscope authors\n/);
    expect(license).toContain('Permission is hereby granted, free of charge');
    expect(published.length).toBeGreaterThan(0);
    for (const { manifest } of published) expect(manifest.license, manifest.name).toBe('MIT');
  });

  it('names the GitHub repository and folder of each published package (npm provenance checks them)', () => {
    for (const { path, manifest } of published) {
      const { repository } = manifest as PackageJson & { repository?: { url: string; directory: string } };
      expect(repository?.url, manifest.name).toBe('git+https://github.com/mcpscope/mcpscope.git');
      expect(repository?.directory, manifest.name).toBe(path);
    }
  });
});
