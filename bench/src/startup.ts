/**
 * `pnpm bench:startup`: how long a stdio server takes from its start to its first answer, bare, with the
 * libraries a user loads anyway (the MCP SDK, @sentry/node, the OpenTelemetry SDK, pino, prom-client) and
 * with the five plugins on top; and where the time of one start goes, import by import. Fresh processes,
 * the three servers interleaved round by round, medians. Node 24 from the `node` package (or --node PATH).
 *
 * Options: --rounds N (default 15), --node PATH
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '15' }, node: { type: 'string' } },
});
const rounds = Number(values.rounds);
const packageNode = join(here, '..', 'node_modules', 'node', 'bin', 'node');
const node = values.node ?? (existsSync(packageNode) ? packageNode : process.execPath);
const MODES = ['bare', 'sdks', 'observed'] as const;

const median = (numbers: number[]): number => {
  const sorted = [...numbers].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Milliseconds from spawning the server to the answer of its first tools/call. */
async function firstAnswer(mode: (typeof MODES)[number]): Promise<number> {
  const started = performance.now();
  const transport = new StdioClientTransport({
    command: node,
    args: [join(here, 'startup', 'server.mjs'), mode],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'startup', version: '1.0.0' });
  await client.connect(transport);
  const result = await client.callTool({ name: 'ping_tool', arguments: {} });
  const elapsed = performance.now() - started;
  if ((result.content as { text: string }[])[0]?.text !== 'pong') throw new Error(`${mode}: wrong answer`);
  await client.close();
  return elapsed;
}

/** The marks of one probe process (ms since its start), import by import. */
function probe(): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [join(here, 'startup', 'probe.mjs')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', () => {
      const line = stderr.split('\n').find((candidate) => candidate.startsWith('{"start"'));
      if (line === undefined) reject(new Error(`probe printed no marks: ${stderr}`));
      else resolve(JSON.parse(line) as Record<string, number>);
    });
  });
}

const answers: Record<string, number[]> = { bare: [], sdks: [], observed: [] };
const steps: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  for (const mode of MODES) answers[mode]!.push(await firstAnswer(mode));
  const marks = await probe();
  const names = Object.keys(marks);
  for (let index = 1; index < names.length; index++) {
    const name = names[index]!;
    const samples = steps[name] ?? [];
    samples.push(marks[name]! - marks[names[index - 1]!]!);
    steps[name] = samples;
  }
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}

const fixed = (value: number) => value.toFixed(1);
const ours = ['mcpscope-core', 'mcpscope-plugins', 'mcpscope-setup'].reduce(
  (sum, name) => sum + median(steps[name] ?? [Number.NaN]),
  0,
);
const lines = [
  `Command: \`pnpm bench:startup\` in bench/ (${new Date().toISOString().slice(0, 10)}, Node ${await nodeVersion()}, ${rounds} rounds, medians).`,
  '',
  '| stdio server | start to first answer, ms | × bare |',
  '|---|---:|---:|',
  ...MODES.map(
    (mode) =>
      `| ${{ bare: 'bare MCP SDK server', sdks: 'with Sentry, OpenTelemetry, pino, prom-client set up', observed: 'the same plus the five plugins' }[mode]} | ${fixed(median(answers[mode]!))} | ${(median(answers[mode]!) / median(answers.bare!)).toFixed(2)} |`,
  ),
  '',
  '| step of one start (probe.mjs) | ms |',
  '|---|---:|',
  ...Object.entries(steps).map(([name, samples]) => `| ${name} | ${fixed(median(samples))} |`),
  `| **mcpscope's own share** (core, the five plugins, setting them up) | **${fixed(ours)}** |`,
  '',
];
const report = lines.join('\n');
writeFileSync(join(here, '..', 'startup.md'), `# Start-up\n\n${report}`);
process.stdout.write(`${report}\n`);

function nodeVersion(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', () => resolve(out.trim()));
  });
}
