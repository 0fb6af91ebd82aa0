/**
 * What each benchmark scenario attaches to the server. Every scenario runs in its own process, so one
 * scenario's side effects (AsyncLocalStorage turning on async hooks, an OpenTelemetry SDK, Sentry)
 * never slow down another's measurement.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export interface ScenarioContext {
  /** A scratch directory for files a scenario writes (log files). */
  readonly scratch: string;
  /** A local Sentry envelope endpoint, for scenarios that send to Sentry. */
  readonly sentryDsn?: string;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Attaches the scenario's instrumentation; returns a function that flushes and releases it. */
  setup(server: McpServer, context: ScenarioContext): Promise<(() => Promise<void>) | undefined>;
}

const scenarios: Scenario[] = [
  {
    name: 'bare',
    description: 'the MCP SDK server, nothing attached',
    setup: async () => undefined,
  },
  {
    name: 'hook-layer',
    description: 'observe() with a no-op plugin (start and end hooks)',
    setup: async (server) => {
      const { observe } = await import('@mcpscope/core');
      observe(server).use({ name: 'no-op', onRequestStart() {}, onRequestEnd() {} });
      return undefined;
    },
  },
  {
    name: 'hook-layer+context',
    description: 'observe() with a plugin that asks for request context (AsyncLocalStorage)',
    setup: async (server) => {
      const { observe } = await import('@mcpscope/core');
      observe(server).use({ name: 'context', requestContext: true, onRequestEnd() {} });
      return undefined;
    },
  },
];

export function scenarioNamed(name: string): Scenario {
  const scenario = scenarios.find((candidate) => candidate.name === name);
  if (scenario === undefined) throw new Error(`Unknown scenario "${name}"`);
  return scenario;
}

export const SCENARIO_NAMES: readonly string[] = scenarios.map((scenario) => scenario.name);
