/**
 * Span names, `{mcp.method.name} {target}` as the conventions ask: the target is a tool or prompt name;
 * a resource URI only when asked (URIs make names high-cardinality). Names are cached per method and
 * target, up to a bound, so the hot path does not build the same string for every call.
 */
import { ATTRIBUTES, targetAttributeOf } from '@mcpscope/core';

/** Client-supplied names and URIs are cut to this length in span names and attributes. */
const MAX_TARGET_LENGTH = 256;
/** Names cached per plugin; past this, names are built per request (clients choose the targets). */
const MAX_CACHED_NAMES = 1024;

export function capTarget(target: string): string {
  return target.length > MAX_TARGET_LENGTH ? target.slice(0, MAX_TARGET_LENGTH) : target;
}

export class SpanNames {
  private readonly byMethod = new Map<string, Map<string, string>>();
  private cached = 0;

  constructor(private readonly resourceUriInSpanName: boolean) {}

  of(method: string, target: string | undefined): string {
    if (target === undefined || !this.namesTarget(method)) return method;
    let byTarget = this.byMethod.get(method);
    const known = byTarget?.get(target);
    if (known !== undefined) return known;
    const name = `${method} ${capTarget(target)}`;
    if (this.cached < MAX_CACHED_NAMES) {
      if (byTarget === undefined) {
        byTarget = new Map();
        this.byMethod.set(method, byTarget);
      }
      byTarget.set(target, name);
      this.cached++;
    }
    return name;
  }

  private namesTarget(method: string): boolean {
    const attribute = targetAttributeOf(method);
    return (
      attribute === ATTRIBUTES.toolName ||
      attribute === ATTRIBUTES.promptName ||
      (attribute === ATTRIBUTES.resourceUri && this.resourceUriInSpanName)
    );
  }
}
