/**
 * Self time of a V8 CPU profile, grouped by who owns the code: mcpscope, each library, the MCP SDK,
 * garbage collection and Node itself. Start-up and the bench harness are listed apart, so the rest is
 * what the calls cost.
 *
 *   node --cpu-prof --cpu-prof-dir=<dir> --import tsx src/worker.ts measure all-five in-memory 20000
 *   node --import tsx src/profile-owners.ts <dir or .cpuprofile> [<another> ...]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const OWNERS: readonly (readonly [owner: string, pattern: RegExp])[] = [
  ['mcpscope', /\/packages\/[a-z-]+\/(dist|src)\//],
  [
    'bench harness and start-up',
    /\/bench\/src\/|\/tsx\/|node:internal\/modules\/|compileSourceTextModule|wrapSafe/,
  ],
  ['MCP SDK', /@modelcontextprotocol\//],
  ['zod (the SDK validates every message)', /\/zod\//],
  ['Sentry', /@sentry\//],
  ['OpenTelemetry', /@opentelemetry\//],
  ['pino', /\/(pino|sonic-boom|fast-redact|pino-std-serializers)\//],
  ['prom-client', /\/prom-client\//],
  ['garbage collector', /^\(garbage collector\)$/],
  ['AsyncLocalStorage frames', /async_context_frame|async_local_storage|async_hooks/],
];

const IDLE = 'idle';

function ownerOf(frame: ProfileNode['callFrame']): string {
  if (frame.functionName === '(idle)') return IDLE;
  const where = frame.url === '' ? frame.functionName : frame.url;
  for (const [owner, pattern] of OWNERS) if (pattern.test(where)) return owner;
  if (frame.url.startsWith('node:') || frame.url === '') return 'Node and V8 (timers, microtasks, natives)';
  return 'other';
}

function profileFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(path, name));
}

for (const path of process.argv.slice(2).flatMap(profileFiles)) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const owners = new Map(profile.nodes.map((node) => [node.id, ownerOf(node.callFrame)]));
  const milliseconds = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const owner = owners.get(id) ?? 'other';
    if (owner === IDLE) return;
    const delta = (profile.timeDeltas[index] ?? 0) / 1_000;
    milliseconds.set(owner, (milliseconds.get(owner) ?? 0) + delta);
    total += delta;
  });
  process.stdout.write(`${path}\n`);
  for (const [owner, time] of [...milliseconds].sort((a, b) => b[1] - a[1])) {
    process.stdout.write(
      `${time.toFixed(0).padStart(8)} ms ${((100 * time) / total).toFixed(1).padStart(5)} %  ${owner}\n`,
    );
  }
  process.stdout.write(`${total.toFixed(0).padStart(8)} ms          total (idle left out)\n\n`);
}
