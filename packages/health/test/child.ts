/** Fixture child processes (`node --import tsx`), their stderr, their exit, and a raw JSON-RPC peer on stdio. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface FixtureChild {
  readonly process: ChildProcessWithoutNullStreams;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<Exit>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

const running = new Set<FixtureChild>();

export function spawnFixture(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  nodeArguments: readonly string[] = [],
): FixtureChild {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = spawn(process.execPath, [...nodeArguments, '--import', 'tsx', path, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  let done = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const fixture: FixtureChild = {
    process: child,
    stderr: () => stderr,
    async waitForStderr(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = stderr.match(pattern);
        if (match !== null) return match;
        if (done) throw new Error(`child exited before printing ${pattern}; stderr:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; stderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    exited,
    kill() {
      if (!done) child.kill('SIGKILL');
    },
  };
  running.add(fixture);
  void exited.then(() => running.delete(fixture));
  return fixture;
}

/** Kills every fixture child still running (for afterEach). */
export function killFixtures(): void {
  for (const fixture of running) fixture.kill();
}

export interface JsonRpcResponse {
  readonly id: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/**
 * Speaks newline-delimited JSON-RPC to a stdio fixture, as an MCP client would, and keeps the child's raw
 * stdout: every line there must be a JSON-RPC message (`foreignLines()`), or real clients break.
 */
export class StdioPeer {
  private nextId = 1;
  private buffer = '';
  private readonly foreign: string[] = [];
  private readonly pending = new Map<number, (response: JsonRpcResponse) => void>();
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let newline = this.buffer.indexOf('\n');
      while (newline >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        this.line(line);
        newline = this.buffer.indexOf('\n');
      }
    });
  }

  /** Complete stdout lines that are not JSON-RPC 2.0 messages, and an unfinished last line. */
  foreignLines(): string[] {
    return this.buffer === '' ? [...this.foreign] : [...this.foreign, this.buffer];
  }

  private line(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = undefined;
    }
    if (
      typeof message !== 'object' ||
      message === null ||
      (message as { jsonrpc?: unknown }).jsonrpc !== '2.0'
    ) {
      this.foreign.push(line);
      return;
    }
    this.receive(message as JsonRpcResponse);
  }

  private receive(message: JsonRpcResponse): void {
    const resolve = this.pending.get(message.id);
    if (resolve === undefined) return;
    this.pending.delete(message.id);
    resolve(message);
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<JsonRpcResponse> {
    const id = this.nextId++;
    const answered = new Promise<JsonRpcResponse>((resolve) => this.pending.set(id, resolve));
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return answered;
  }

  notify(method: string, params: Record<string, unknown> = {}): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  /** Requests sent and not answered. */
  get unanswered(): number {
    return this.pending.size;
  }

  async initialize(): Promise<void> {
    const answer = await this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'stdio-peer', version: '1.0.0' },
    });
    if (answer.error !== undefined) throw new Error(`initialize failed: ${answer.error.message}`);
    this.notify('notifications/initialized');
  }
}
