import type { Registry } from 'prom-client';
import { parseExposition, type Sample } from './exposition-parser.js';

/** The registry's Prometheus text exposition, parsed. */
export async function scrapeRegistry(registry: Registry): Promise<Sample[]> {
  return parseExposition(await registry.metrics());
}

/** GET a metrics URL, returning status, content type and parsed samples. */
export async function scrapeUrl(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string | null; body: string; samples: Sample[] }> {
  const response = await fetch(url, { headers });
  const body = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
    samples: response.ok ? parseExposition(body) : [],
  };
}
