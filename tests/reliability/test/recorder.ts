/** A plugin that counts requests and sessions as core reports them: the reference for every gauge. */
import type { McpscopePlugin, RequestFacts } from '@mcpscope/core';

export interface Recorder extends McpscopePlugin {
  readonly started: number;
  readonly ended: RequestFacts[];
  readonly openSessions: number;
  readonly inFlight: number;
}

export function recorder(): Recorder {
  let started = 0;
  let openSessions = 0;
  const ended: RequestFacts[] = [];
  return {
    name: 'recorder',
    onRequestStart: () => {
      started++;
    },
    onRequestEnd: (request) => {
      ended.push(request);
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
    get openSessions() {
      return openSessions;
    },
    get inFlight() {
      return started - ended.length;
    },
  };
}
