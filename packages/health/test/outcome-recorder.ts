/**
 * A plugin for the child-process fixtures: counts how requests ended and, each time core flushes it,
 * writes the running totals to stderr (`OUTCOMES {...}`), which proves the plugins were flushed.
 */
import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';

export function outcomeKey(request: RequestFacts): string {
  const refused = request.refusal === undefined ? '' : ` refused:${request.refusal.reason}`;
  return `${request.method}${request.target === undefined ? '' : ` ${request.target}`} ${request.outcome}${refused}`;
}

export function outcomeRecorder(): McpscopePlugin {
  const counts: Record<string, number> = {};
  return {
    name: 'outcome-recorder',
    onRequestEnd(request) {
      const key = outcomeKey(request);
      counts[key] = (counts[key] ?? 0) + 1;
    },
    close() {
      process.stderr.write(`OUTCOMES ${JSON.stringify(counts)}\n`);
    },
  };
}

/** The totals of the last `OUTCOMES` line in a child's stderr. */
export function lastOutcomes(stderr: string): Record<string, number> | undefined {
  const lines = stderr.split('\n').filter((line) => line.startsWith('OUTCOMES '));
  const last = lines.at(-1);
  return last === undefined
    ? undefined
    : (JSON.parse(last.slice('OUTCOMES '.length)) as Record<string, number>);
}
