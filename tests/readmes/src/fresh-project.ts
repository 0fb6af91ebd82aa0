/**
 * A reader's project: the published packages packed once, then per README a fresh npm project in the
 * system's temporary folder with exactly what its install line names, and its usage snippets as modules.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { PUBLISHED, packageOf, type Readme, ROOT } from './readme.js';

const run = promisify(execFile);

/**
 * The environment of the npm and node children: this process's, without the npm_* settings a
 * `pnpm run` above us exported (they are pnpm's, not a reader's).
 */
export function readerEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** `pnpm pack` of every published package (built first: turbo builds this package's dependencies). */
export async function packPublished(): Promise<{ dir: string; tarballs: Map<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mcpscope-packed-'));
  const tarballs = new Map<string, string>();
  for (const { folder, name } of PUBLISHED) {
    const cwd = join(ROOT, 'packages', folder);
    if (!existsSync(join(cwd, 'dist', 'index.js'))) {
      throw new Error(`${name} is not built (packages/${folder}/dist): run \`pnpm build\` first`);
    }
    const before = new Set(await readdir(dir));
    await run(join(ROOT, 'node_modules', '.bin', 'pnpm'), ['pack', '--pack-destination', dir], {
      cwd,
      env: readerEnv(),
    });
    const packed = (await readdir(dir)).filter((file) => !before.has(file));
    if (packed.length !== 1) throw new Error(`pnpm pack in packages/${folder} wrote ${packed.join(', ')}`);
    tarballs.set(name, join(dir, packed[0]!));
  }
  return { dir, tarballs };
}

export interface Project {
  readonly dir: string;
  /** The usage snippets as ES modules, in the README's order. */
  readonly modules: readonly string[];
  remove(): Promise<void>;
}

/**
 * A fresh project for the README: package.json (type module), `npm install` of its install line (our
 * packages as the packed tarballs, the others from the registry at whatever version npm resolves), and
 * its usage snippets transpiled to `usage-<n>.mjs`. `--legacy-peer-deps`: npm installs no peer the line
 * does not name, as pnpm with autoInstallPeers off and yarn don't; a missing peer fails `npm ls` below.
 */
export async function createProject(readme: Readme, tarballs: ReadonlyMap<string, string>): Promise<Project> {
  const dir = await mkdtemp(join(tmpdir(), `mcpscope-readme-${readme.path.replace(/[^\w]+/g, '-')}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    return { dir, modules: await fillProject(dir, readme, tarballs), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

async function fillProject(
  dir: string,
  readme: Readme,
  tarballs: ReadonlyMap<string, string>,
): Promise<string[]> {
  const slug = readme.path.replace(/\/?README\.md$/, '').replace(/[^\w]+/g, '-') || 'root';
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `readme-${slug}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  const specs = readme.installs.map((name) => tarballs.get(name) ?? name);
  try {
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps', ...specs],
      { cwd: dir, env: readerEnv(), maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${readme.path}: \`${readme.installLine}\` failed in a fresh project:\n${stderr}`);
  }
  // Every dependency the line brought must have what it needs: an unnamed peer is a README bug.
  const listed = await run('npm', ['ls', '--all', '--json'], {
    cwd: dir,
    env: readerEnv(),
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '{}' }));
  const problems = ((JSON.parse(listed.stdout) as { problems?: string[] }).problems ?? []).filter((problem) =>
    problem.startsWith('missing: '),
  );
  if (problems.length > 0) {
    const missing = problems.map((problem) => problem.replace(/^missing: (@?[^@]+)@.*$/, '$1'));
    throw new Error(
      `${readme.path}: its install line (\`${readme.installLine}\`) does not name ${missing.join(', ')} (npm ls: ${problems.join('; ')})`,
    );
  }
  await mkdir(join(dir, 'src'));
  const modules: string[] = [];
  for (const [index, snippet] of readme.usage.entries()) {
    const file = join(dir, 'src', `usage-${index + 1}.mjs`);
    await writeFile(file, transpile(snippet.code, `${readme.path} usage block ${index + 1}`));
    modules.push(file);
  }
  return modules;
}

/** TypeScript to an ES module, type-only imports erased (TypeScript's own transpiler; any Node >= 20). */
export function transpile(code: string, where: string): string {
  const output = ts.transpileModule(code, {
    fileName: 'usage.ts',
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  const errors = output.diagnostics ?? [];
  if (errors.length > 0) {
    const messages = errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, '\n'));
    throw new Error(`${where} is not valid TypeScript: ${messages.join('; ')}`);
  }
  return output.outputText;
}

/** The package Node could not find in an error's text ("Cannot find package 'x' imported from ..."). */
export function missingPackageIn(text: string): string | undefined {
  const specifier = /Cannot find (?:package|module) '([^']+)'/.exec(text)?.[1];
  return specifier === undefined ? undefined : packageOf(specifier);
}

/**
 * The project's entry, `src/main.mjs`: imports the usage modules one after the other, as a reader's
 * program would load them. `serve`: a module that exports `server` without connecting it is served on
 * Streamable HTTP (127.0.0.1, the project's own SDK) and MCP_URL points there before the next module
 * loads; the last module's `result` is printed on stdout as one JSON line, then `client` and `server`
 * close. A failure to load is written to `main-failed.txt` (stdio children's stderr goes to the client).
 */
export async function writeEntry(project: Project, mode: 'stdio' | 'serve'): Promise<string> {
  const entry = join(project.dir, 'src', 'main.mjs');
  const failed = join(project.dir, 'main-failed.txt');
  const modules = JSON.stringify(project.modules.map((file) => `./${file.split('/').pop()}`));
  const serve = `
  if (mode === 'serve' && exported.server !== undefined && http === undefined) {
    const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
    const { createServer } = await import('node:http');
    const { randomUUID } = await import('node:crypto');
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID });
    await exported.server.connect(transport);
    http = createServer((request, response) => void transport.handleRequest(request, response));
    await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
    process.env.MCP_URL = \`http://127.0.0.1:\${http.address().port}/mcp\`;
  }`;
  await writeFile(
    entry,
    `// Written by tests/readmes: loads the README's usage snippets in order.
import { writeFileSync } from 'node:fs';

const mode = ${JSON.stringify(mode)};
const exported = {};
let http;
try {
  for (const module of ${modules}) {${serve}
    Object.assign(exported, await import(module));
  }
} catch (error) {
  writeFileSync(${JSON.stringify(failed)}, String(error?.stack ?? error));
  throw error;
}
if (mode === 'serve') {
  process.stdout.write(\`\${JSON.stringify(exported.result)}\\n\`);
  await exported.client?.close();
  await exported.server?.close();
  http?.closeAllConnections();
  http?.close();
}
`,
  );
  return entry;
}
