/**
 * The destinations the benchmark compares: where `logging()` writes its lines, and how. Each scenario
 * makes the pino logger given to `logging({ logger })` (or none: the plugin's own default), in a fresh
 * process. `fd2` scenarios write to the process's stderr, which the runner points at a file or a pipe.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';

export interface ScenarioSetup {
  /** The logger for `logging({ logger })`; undefined: no plugin (bare) or the plugin's default logger. */
  readonly logger: Logger | undefined;
  /** The file the lines go to, when the scenario writes to a file of its own. */
  readonly file: string | undefined;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Where the child's stderr goes: `file` (the runner counts its lines), `pipe` (read and counted). */
  readonly stderr: 'file' | 'pipe';
  /** No plugin at all. */
  readonly bare?: boolean;
  /** `logging()` without a logger: the plugin's own default. */
  readonly pluginDefault?: boolean;
  setup(scratch: string): Promise<ScenarioSetup>;
}

async function pinoModule() {
  return (await import('pino')).default;
}

function fileScenario(name: string, description: string, options: Record<string, unknown>): Scenario {
  return {
    name,
    description,
    stderr: 'file',
    async setup(scratch) {
      const pino = await pinoModule();
      const file = join(scratch, 'server.log');
      return { logger: pino(pino.destination({ dest: file, ...options })), file };
    },
  };
}

function stderrScenario(
  name: string,
  description: string,
  stderr: 'file' | 'pipe',
  options: object,
): Scenario {
  return {
    name,
    description,
    stderr,
    async setup() {
      const pino = await pinoModule();
      return { logger: pino(pino.destination({ dest: 2, ...options })), file: undefined };
    },
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'bare',
    description: 'no plugin',
    stderr: 'file',
    bare: true,
    setup: async () => ({ logger: undefined, file: undefined }),
  },
  {
    name: 'no-io',
    description: 'pino with a destination that drops every line: the plugin and pino, no I/O',
    stderr: 'file',
    async setup() {
      const pino = await pinoModule();
      return { logger: pino({ write: () => undefined }), file: undefined };
    },
  },
  fileScenario('file-sync', 'pino.destination({ dest: file, sync: true }): one write(2) per line', {
    sync: true,
  }),
  fileScenario('file-async', 'pino.destination({ dest: file, sync: false }): minLength 0, maxWrite 16 KB', {
    sync: false,
  }),
  fileScenario('file-async-maxWrite-1k', 'pino.destination({ dest: file, sync: false, maxWrite: 1024 })', {
    sync: false,
    maxWrite: 1024,
  }),
  fileScenario('file-async-maxWrite-4k', 'pino.destination({ dest: file, sync: false, maxWrite: 4096 })', {
    sync: false,
    maxWrite: 4096,
  }),
  fileScenario('file-async-maxWrite-8k', 'pino.destination({ dest: file, sync: false, maxWrite: 8192 })', {
    sync: false,
    maxWrite: 8192,
  }),
  fileScenario('file-async-minLength-4k', 'pino.destination({ dest: file, sync: false, minLength: 4096 })', {
    sync: false,
    minLength: 4096,
  }),
  fileScenario(
    'file-async-minLength-4k-maxWrite-8k',
    'pino.destination({ dest: file, sync: false, minLength: 4096, maxWrite: 8192 })',
    { sync: false, minLength: 4096, maxWrite: 8192 },
  ),
  {
    name: 'file-transport',
    description: "pino.transport({ target: 'pino/file', options: { destination: file } }): a worker thread",
    stderr: 'file',
    async setup(scratch) {
      const pino = await pinoModule();
      const file = join(scratch, 'server.log');
      return { logger: pino(pino.transport({ target: 'pino/file', options: { destination: file } })), file };
    },
  },
  stderrScenario('stderr-file-sync', 'pino.destination({ dest: 2, sync: true }), stderr a file', 'file', {
    sync: true,
  }),
  stderrScenario('stderr-file-async', 'pino.destination({ dest: 2, sync: false }), stderr a file', 'file', {
    sync: false,
  }),
  stderrScenario('stderr-pipe-sync', 'pino.destination({ dest: 2, sync: true }), stderr a pipe', 'pipe', {
    sync: true,
  }),
  stderrScenario('stderr-pipe-async', 'pino.destination({ dest: 2, sync: false }), stderr a pipe', 'pipe', {
    sync: false,
  }),
  {
    name: 'default-stderr-file',
    description: "logging() with no logger: the plugin's default, stderr a file",
    stderr: 'file',
    pluginDefault: true,
    setup: async () => ({ logger: undefined, file: undefined }),
  },
  {
    name: 'default-stderr-pipe',
    description: "logging() with no logger: the plugin's default, stderr a pipe",
    stderr: 'pipe',
    pluginDefault: true,
    setup: async () => ({ logger: undefined, file: undefined }),
  },
];

export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((scenario) => scenario.name === name);
  if (found === undefined)
    throw new Error(`no scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return found;
}
