/**
 * Trace context in `params._meta` (`traceparent`, `tracestate`, `baggage`, unprefixed as SEP-414 says),
 * read and written through the configured OpenTelemetry propagators, and the parent/link choice for
 * spans of inbound messages.
 */

import type { RequestFacts } from '@mcpscope/core';
import {
  type Attributes,
  type Context,
  context,
  INVALID_TRACEID,
  type Link,
  propagation,
  type Span,
  type SpanKind,
  type SpanOptions,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';

type Meta = Readonly<Record<string, unknown>>;

const metaGetter: TextMapGetter<Meta> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

/** Writes what the propagators inject into an outbound request's `params._meta` (through core). */
export const metaSetter: TextMapSetter<RequestFacts> = {
  set: (request, key, value) => request.setMeta(key, value),
};

/**
 * Starts the span of an inbound request or notification and returns the context it is active in, or
 * undefined when there is nothing to record or propagate (no SDK and no valid parent).
 * By default the context in `_meta` is the parent and the ambient context (e.g. an HTTP server span) is
 * linked; with `preferAmbientParent` it is the other way round. Without trace context in `_meta` the
 * ambient context is the parent.
 */
export function startInboundSpan(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  meta: Meta | undefined,
  preferAmbientParent: boolean,
): Context | undefined {
  const ambient = context.active();
  let parent = ambient;
  if (meta !== undefined) {
    const extracted = propagation.extract(ambient, meta, metaGetter);
    const remoteSpan = trace.getSpan(extracted);
    const ambientSpan = trace.getSpan(ambient);
    if (remoteSpan === ambientSpan) {
      parent = extracted; // no trace context in _meta; baggage, if any, still applies
    } else {
      parent = preferAmbientParent ? ambient : extracted;
      const parentSpanId = (preferAmbientParent ? ambientSpan : remoteSpan)?.spanContext().spanId;
      const linked = (preferAmbientParent ? remoteSpan : ambientSpan)?.spanContext();
      // In one process the ambient span can be the very span _meta names: a link would repeat the parent.
      if (linked !== undefined && trace.isSpanContextValid(linked) && linked.spanId !== parentSpanId) {
        const links: Link[] = [{ context: linked }];
        options.links = links;
      }
    }
  }
  const span: Span = tracer.startSpan(name, options, parent);
  return isTraced(span) ? trace.setSpan(parent, span) : undefined;
}

/** The options of a span that starts with these attributes. */
export function spanOptions(kind: SpanKind, startTime: number, attributes: Attributes): SpanOptions {
  return { kind, startTime, attributes };
}

/** False for the no-op spans of an absent SDK with no valid parent: nothing to record or pass on. */
export function isTraced(span: Span): boolean {
  if (span.isRecording()) return true;
  const spanContext = span.spanContext();
  return spanContext.traceId !== INVALID_TRACEID && trace.isSpanContextValid(spanContext);
}
