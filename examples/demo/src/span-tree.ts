/** Prints the spans of one trace as a tree, parents before children, with durations. */

export interface TreeSpan {
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: string;
  readonly service: string;
  readonly startNanos: bigint;
  readonly endNanos: bigint;
  readonly error: boolean;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

const SHOWN_ATTRIBUTES = [
  'mcp.method.name',
  'gen_ai.tool.name',
  'mcp.session.id',
  'network.transport',
  'error.type',
];

export function renderTree(spans: readonly TreeSpan[]): string[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | undefined, TreeSpan[]>();
  for (const span of spans) {
    const parent =
      span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, prefix: string) => {
    const siblings = (children.get(parent) ?? []).sort((a, b) => (a.startNanos < b.startNanos ? -1 : 1));
    siblings.forEach((span, index) => {
      const last = index === siblings.length - 1;
      const milliseconds = Number(span.endNanos - span.startNanos) / 1e6;
      const attributes = SHOWN_ATTRIBUTES.filter((key) => span.attributes[key] !== undefined)
        .map(
          (key) =>
            `${key}=${key === 'mcp.session.id' ? `${String(span.attributes[key]).slice(0, 8)}…` : span.attributes[key]}`,
        )
        .join(' ');
      lines.push(
        `${prefix}${parent === undefined ? '' : last ? '└─ ' : '├─ '}${span.name} [${span.kind}, ${span.service}] ${milliseconds.toFixed(1)} ms${span.error ? ' ERROR' : ''}${attributes ? `  ${attributes}` : ''}`,
      );
      walk(span.spanId, parent === undefined ? '   ' : `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(undefined, '');
  return lines;
}
