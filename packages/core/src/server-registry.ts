import type { ServerState } from './server-state.js';

const states = new WeakMap<object, ServerState>();

export function stateOf(server: object): ServerState | undefined {
  return states.get(server);
}

export function registerState(server: object, state: ServerState): void {
  states.set(server, state);
}
