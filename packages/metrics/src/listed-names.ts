/**
 * Tool and prompt names an observed client may use as label values: those the server listed on that
 * connection (`tools/list`, `prompts/list` answers), as core bounds a server's own by its registry.
 */
import { OTHER_VALUE, type RequestFacts, type SessionFacts } from '@mcpscope/core';

const MAX_LISTED_NAMES = 1000;

interface Listed {
  readonly tools: Set<string>;
  readonly prompts: Set<string>;
}

export class ListedNames {
  private readonly slot = Symbol('mcpscope metrics listed names');

  /** Learns the names of a `tools/list` or `prompts/list` answer the client received. */
  learn(request: RequestFacts): void {
    const { method, result } = request;
    if (request.outcome !== 'ok' || (method !== 'tools/list' && method !== 'prompts/list')) return;
    const entries = (result as { tools?: unknown; prompts?: unknown } | undefined)?.[
      method === 'tools/list' ? 'tools' : 'prompts'
    ];
    if (!Array.isArray(entries)) return;
    const listed = this.of(request.session);
    const names = method === 'tools/list' ? listed.tools : listed.prompts;
    for (const entry of entries) {
      const name = (entry as { name?: unknown } | null)?.name;
      if (typeof name === 'string' && names.size < MAX_LISTED_NAMES) names.add(name);
    }
  }

  /** The label value of an outbound tools/call or prompts/get target. */
  readonly targetOf = (request: RequestFacts): string => {
    const listed = request.session[this.slot] as Listed | undefined;
    const names = request.method === 'tools/call' ? listed?.tools : listed?.prompts;
    const { target } = request;
    return target !== undefined && names?.has(target) === true ? target : OTHER_VALUE;
  };

  private of(session: SessionFacts): Listed {
    let listed = session[this.slot] as Listed | undefined;
    if (listed === undefined) {
      listed = { tools: new Set(), prompts: new Set() };
      session[this.slot] = listed;
    }
    return listed;
  }
}
