/**
 * The READMEs run as written. The published packages are packed once; each README below gets a fresh
 * npm project in the system's temporary folder with exactly what its install line names (our packages
 * as the packed tarballs, the rest from the registry), and its usage snippets, transpiled to ES modules,
 * run against a real MCP SDK client: a snippet that connects a StdioServerTransport is a stdio child
 * driven over StdioClientTransport; a snippet that exports its server and then connects its own client
 * over Streamable HTTP gets that server served, and its client's answer is the one checked.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnStdioServer, waitFor } from '@mcpscope/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProject,
  missingPackageIn,
  type Project,
  packPublished,
  readerEnv,
  writeEntry,
} from './fresh-project.js';
import { importedPackages, PUBLISHED, type Readme, ROOT, readReadme } from './readme.js';

const run = promisify(execFile);

/** What a stdio child shows beside the answer: while it serves (/metrics on METRICS_PORT), once closed (stderr). */
type WhileServing = 'metrics';
type AfterClose = 'log-line' | 'timings-line';

interface RunCase {
  readonly readme: string;
  /** stdio: the snippet connects a StdioServerTransport. serve: it exports a server, then a client's result. */
  readonly mode: 'stdio' | 'serve';
  readonly call: { readonly name: string; readonly arguments: Record<string, unknown> };
  readonly answer: unknown;
  readonly whileServing: readonly WhileServing[];
  readonly afterClose: readonly AfterClose[];
}

const SUNNY = { content: [{ type: 'text', text: 'Sunny in Paris' }] };
const GET_WEATHER = { name: 'get-weather', arguments: { city: 'Paris' } };

/** The READMEs whose usage is a whole program, how it runs, and the call whose answer is checked. */
const RUN: readonly RunCase[] = [
  {
    readme: 'README.md',
    mode: 'stdio',
    call: GET_WEATHER,
    answer: SUNNY,
    whileServing: ['metrics'],
    afterClose: ['log-line'],
  },
  {
    readme: 'packages/metrics/README.md',
    mode: 'stdio',
    call: GET_WEATHER,
    answer: SUNNY,
    whileServing: ['metrics'],
    afterClose: [],
  },
  {
    readme: 'packages/core/README.md',
    mode: 'stdio',
    call: GET_WEATHER,
    answer: SUNNY,
    whileServing: [],
    afterClose: ['timings-line'],
  },
  {
    readme: 'packages/logging/README.md',
    mode: 'stdio',
    call: GET_WEATHER,
    answer: SUNNY,
    whileServing: [],
    afterClose: ['log-line'],
  },
  {
    readme: 'packages/tracing/README.md',
    mode: 'serve',
    call: GET_WEATHER,
    answer: SUNNY,
    whileServing: [],
    afterClose: [],
  },
];

/**
 * The READMEs with an install line that are not run (yet), and why. A README moves to RUN once its usage
 * is a whole program (a server a client can call) and its install line names everything it imports.
 */
const NOT_RUN: Record<string, string> = {
  'packages/sentry/README.md': 'usage is fragments (Sentry.init, a plugin)',
  'packages/health/README.md': 'usage is fragments of the HTTP example',
  'packages/rate-limit/README.md':
    'usage is fragments (a plugin of the HTTP example, a Redis store, tenants)',
};

/** Every README scripts/snippets.mjs keeps in step with checked files. */
const READMES = [
  ...readFileSync(join(ROOT, 'scripts', 'snippets.mjs'), 'utf8').matchAll(/^\s*'([\w/-]*README\.md)',$/gm),
].map(([, path]) => path!);

describe('the READMEs', () => {
  it('each one with an install line is run here or says why not', () => {
    const withInstallLine = READMES.filter((path) => readReadme(path).installLine !== undefined);
    const classified = [...RUN.map(({ readme }) => readme), ...Object.keys(NOT_RUN)];
    expect(withInstallLine.filter((path) => !classified.includes(path))).toEqual([]);
    expect(classified.filter((path) => !READMES.includes(path))).toEqual([]);
  });
});

let packed: Awaited<ReturnType<typeof packPublished>>;
beforeAll(async () => {
  packed = await packPublished();
});
afterAll(async () => {
  if (packed !== undefined) await rm(packed.dir, { recursive: true, force: true });
});

describe.each(RUN)('$readme', ({ readme: path, mode, call, answer, whileServing, afterClose }) => {
  const readme: Readme = readReadme(path);
  let project: Project | undefined;
  afterAll(async () => {
    await project?.remove();
  });

  it('has an install line and usage snippets, every one from a checked file', () => {
    expect(readme.installLine, `${path} has no \`npm install\` line in a \`\`\`sh block`).toBeDefined();
    expect(readme.usage.length, `${path} has no \`\`\`ts block under "## Usage"`).toBeGreaterThan(0);
    const unchecked = readme.snippets.filter(({ source }) => source === undefined).map(({ code }) => code);
    expect(unchecked, `${path}: ts blocks without a <!-- snippet: file#region --> marker`).toEqual([]);
    for (const { source } of readme.snippets) {
      expect(existsSync(join(ROOT, source!.split('#')[0]!)), `${path}: ${source} does not exist`).toBe(true);
    }
  });

  it('its install line names every package its usage imports, all of them published', () => {
    const imported = [...new Set(readme.usage.flatMap(({ code }) => importedPackages(code)))];
    const unnamed = imported.filter((name) => !readme.installs.includes(name));
    expect(unnamed, `${path}: the usage imports packages its install line does not name`).toEqual([]);
    const published = new Set(PUBLISHED.map(({ name }) => name));
    const privateOnes = [...imported, ...readme.installs].filter(
      (name) => name.startsWith('@mcpscope/') && !published.has(name),
    );
    expect(privateOnes, `${path}: names unpublished @mcpscope packages`).toEqual([]);
  });

  it('runs as written in a fresh project with exactly its install line', async () => {
    project = await createProject(readme, packed.tarballs);
    const entry = await writeEntry(project, mode);
    const loadFailure = () => {
      const file = join(project!.dir, 'main-failed.txt');
      if (!existsSync(file)) return '';
      const text = readFileSync(file, 'utf8');
      const missing = missingPackageIn(text);
      return missing === undefined
        ? `${path}: its usage failed to load: ${text}`
        : `${path}: its usage needs ${missing}, which its install line (\`${readme.installLine}\`) does not name:\n${text}`;
    };

    if (mode === 'stdio') {
      // The side listener's port, for the /metrics check below (the snippet reads METRICS_PORT).
      const port = await freePort();
      const child = await spawnStdioServer(entry, { sdk: 'v1', env: { METRICS_PORT: String(port) } }).catch(
        (error: unknown) => {
          throw new Error(loadFailure() || String(error));
        },
      );
      expect(await child.client.callTool(call.name, call.arguments)).toEqual(answer);
      const serving: Record<WhileServing, () => Promise<void>> = {
        // One tools/call count on the side listener's /metrics (the snippet listens on METRICS_PORT).
        metrics: async () => {
          const exposition = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          const counts = exposition
            .split('\n')
            .filter((line) => line.startsWith('mcp_server_operation_duration_seconds_count{'))
            .filter((line) => line.includes(`gen_ai_tool_name="${call.name}"`));
          expect(counts.map((line) => line.split(' ').pop())).toEqual(['1']);
        },
      };
      for (const check of whileServing) await serving[check]();
      await child.close(); // rejects when anything but JSON-RPC reached stdout
      expect(child.foreignStdoutLines()).toEqual([]);
      const closed: Record<AfterClose, () => Promise<void>> = {
        // The logging plugin's line for the call, on stderr (written asynchronously: wait for it).
        'log-line': async () => {
          const callLines = () =>
            child
              .stderr()
              .split('\n')
              .filter((line) => line.includes(`"msg":"tools/call ${call.name} ok"`));
          await waitFor(() => callLines().length > 0, 'the logging line of the call');
          expect(callLines().map((line) => JSON.parse(line)['gen_ai.tool.name'])).toEqual([call.name]);
        },
        // The core README's own plugin: one line per request on stderr.
        'timings-line': async () => {
          const lines = child
            .stderr()
            .split('\n')
            .filter((line) => line.startsWith(`tools/call ${call.name} ok in `));
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(/ ms$/);
        },
      };
      for (const check of afterClose) await closed[check]();
      return;
    }

    // The snippets' own client calls the server they define; spans go to a local OTLP/HTTP endpoint.
    const spans: { name: string; kind: number }[] = [];
    const otlp = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const payload = JSON.parse(body) as {
          resourceSpans?: { scopeSpans?: { spans?: { name: string; kind: number }[] }[] }[];
        };
        for (const resource of payload.resourceSpans ?? [])
          for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => otlp.listen(0, '127.0.0.1', resolve));
    try {
      const { stdout } = await run(process.execPath, [entry], {
        cwd: project.dir,
        env: readerEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(otlp.address() as AddressInfo).port}`,
        }),
      }).catch((error: { stderr?: string }) => {
        throw new Error(loadFailure() || `${path}: its usage failed: ${error.stderr}`);
      });
      expect(JSON.parse(stdout)).toEqual(answer);
      // The README's tracing setup exported the call's CLIENT and SERVER spans (kinds 3 and 2).
      const callSpans = spans.filter((span) => span.name === `tools/call ${call.name}`);
      expect(callSpans.map((span) => span.kind).sort()).toEqual([2, 3]);
    } finally {
      otlp.closeAllConnections();
      otlp.close();
    }
  });
});
