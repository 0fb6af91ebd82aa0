/**
 * The Kubernetes example: the manifest parses, its probes point at the health routes, its grace period
 * covers the drain it configures, and the server it runs behaves as the manifest expects.
 */
import { readFileSync } from 'node:fs';
import { connectHttp } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { killFixtures, spawnFixture } from '../test/child.js';
import { probe, until } from '../test/probe.js';

interface Probe {
  readonly httpGet: { readonly path: string; readonly port: string };
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

interface Container {
  readonly ports: readonly { readonly name: string; readonly containerPort: number }[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly startupProbe: Probe;
  readonly readinessProbe: Probe;
  readonly livenessProbe: Probe;
}

const MANIFEST = new URL('../kubernetes/deployment.yaml', import.meta.url);
const MARGIN_SECONDS = 5;

function load() {
  const documents = parseAllDocuments(readFileSync(MANIFEST, 'utf8'));
  if (!Array.isArray(documents)) throw new Error('expected several YAML documents');
  for (const document of documents) expect(document.errors).toEqual([]);
  const objects = documents.map(
    (document) => document.toJS() as { kind: string; spec: Record<string, unknown> },
  );
  const deployment = objects.find((object) => object.kind === 'Deployment')!;
  const pod = (deployment.spec.template as { spec: Record<string, unknown> }).spec;
  const container = (pod.containers as Container[])[0]!;
  const env = Object.fromEntries(container.env.map(({ name, value }) => [name, value]));
  return { objects, pod, container, env };
}

afterEach(() => killFixtures());

describe('kubernetes/deployment.yaml', () => {
  it('parses into a Deployment, a Service and a PodDisruptionBudget', () => {
    expect(load().objects.map((object) => object.kind)).toEqual([
      'Deployment',
      'Service',
      'PodDisruptionBudget',
    ]);
  });

  it('probes /readyz for startup and readiness and /livez for liveness, on the container port', () => {
    const { container } = load();
    expect(container.startupProbe.httpGet.path).toBe('/readyz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    const portNames = container.ports.map((port) => port.name);
    for (const check of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
      expect(portNames).toContain(check.httpGet.port);
      // The checks' time limit (checkTimeoutMs: 500 in server.ts) fits in the probe's timeout.
      expect(check.timeoutSeconds * 1_000).toBeGreaterThan(500);
    }
  });

  it('gives the pod a grace period covering delay + drain timeout + close timeout + margin', () => {
    const { pod, container, env } = load();
    const delaySeconds = Number(env.SHUTDOWN_DELAY_MS) / 1_000;
    const drainSeconds = Number(env.DRAIN_TIMEOUT_MS) / 1_000;
    const closeSeconds = Number(env.CLOSE_TIMEOUT_MS) / 1_000;
    expect([delaySeconds, drainSeconds, closeSeconds]).toEqual([5, 25, 5]);
    expect(pod.terminationGracePeriodSeconds).toBe(
      delaySeconds + drainSeconds + closeSeconds + MARGIN_SECONDS,
    );
    // The delay lasts at least one readiness period, so the failing probe is seen before requests are refused.
    expect(delaySeconds).toBeGreaterThanOrEqual(container.readinessProbe.periodSeconds);
  });

  it('runs a server that answers the probes and drains on SIGTERM with exit code 0', {
    timeout: 60_000,
  }, async () => {
    const { env } = load();
    // The manifest's settings, on a free port and with a shorter delay to keep the test quick.
    const child = spawnFixture('../kubernetes/server.ts', [], {
      ...env,
      PORT: '0',
      SHUTDOWN_DELAY_MS: '500',
    });
    const [, baseUrl] = await child.waitForStderr(/listening on (\S+)\n/);
    expect((await probe(`${baseUrl}/livez`)).status).toBe(200);
    expect((await probe(`${baseUrl}/readyz`)).status).toBe(200);
    const client = await connectHttp('v1', new URL(`${baseUrl}/mcp`));
    expect(await client.callTool('forecast', { city: 'Oslo' })).toMatchObject({
      content: [{ type: 'text', text: 'Sunny in Oslo' }],
    });
    child.process.kill('SIGTERM');
    await until(async () => ((await probe(`${baseUrl}/readyz`)).status === 503 ? true : undefined), '503');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    await client.close().catch(() => undefined);
  });
});
