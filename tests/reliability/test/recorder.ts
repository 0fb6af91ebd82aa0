/** A plugin that counts requests and sessions as core reports them: the reference for every gauge. */
import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';

export interface Recorder extends McpscopePlugin {
  readonly started: number;
  /** The facts of every ended request (empty when made with `keep: false`). */
  readonly ended: RequestFacts[];
  readonly endedCount: number;
  readonly openSessions: number;
  readonly inFlight: number;
}

/** `keep: false` counts without keeping the facts (long soaks must not grow the heap themselves). */
export function recorder({ keep = true }: { keep?: boolean } = {}): Recorder {
  let started = 0;
  let endedCount = 0;
  let openSessions = 0;
  const ended: RequestFacts[] = [];
  return {
    name: 'recorder',
    onRequestStart: () => {
      started++;
    },
    onRequestEnd: (request) => {
      endedCount++;
      if (keep) ended.push(request);
    },
    onSessionStart: () => {
      openSessions++;
    },
    onSessionEnd: () => {
      openSessions--;
    },
    get started() {
      return started;
    },
    ended,
    get endedCount() {
      return endedCount;
    },
    get openSessions() {
      return openSessions;
    },
    get inFlight() {
      return started - endedCount;
    },
  };
}
