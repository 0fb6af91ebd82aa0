/** Reading the repository the tests check: its root, text and YAML files, and its workspace packages. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export function readYaml<Value>(path: string): Value {
  return parse(read(path)) as Value;
}

export function readJson<Value>(path: string): Value {
  return JSON.parse(read(path)) as Value;
}

export interface PackageJson {
  readonly name: string;
  readonly version?: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly scripts?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

export interface WorkspacePackage {
  /** The folder, relative to the root. */
  readonly path: string;
  readonly manifest: PackageJson;
}

/** The packages pnpm-workspace.yaml lists (`folder` and `folder/*` patterns). */
export function workspacePackages(): WorkspacePackage[] {
  const { packages } = readYaml<{ packages: string[] }>('pnpm-workspace.yaml');
  const folders = packages.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  });
  return folders
    .filter((folder) => existsSync(join(ROOT, folder, 'package.json')))
    .map((folder) => ({ path: folder, manifest: readJson<PackageJson>(`${folder}/package.json`) }));
}

/** Every file below `folder` (relative paths), skipping node_modules, dist and dot folders. */
export function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(ROOT, relative), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk(folder);
  return found;
}
