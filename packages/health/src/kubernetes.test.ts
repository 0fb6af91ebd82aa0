/**
 * The Kubernetes example: every manifest document parses, the probes point at the health plugin's routes
 * on the container's port, the grace period covers the drain it configures, sessions stay on one pod
 * whenever more than one pod can serve them (checked on a balancer that routes the way the manifest
 * says), the autoscaler targets the Deployment and scales down no faster than pods drain, and the server
 * the manifest runs behaves as the manifest expects.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectHttp } from '@mcpscope/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type FixtureChild, killFixtures, spawnFixture } from '../test/child.js';
import { probe, until } from '../test/probe.js';
import { health } from './index.js';

interface Probe {
  readonly httpGet: { readonly path: string; readonly port: string | number };
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
  readonly resources?: { readonly requests?: Record<string, string> };
  readonly lifecycle?: {
    readonly preStop?: {
      readonly sleep?: { readonly seconds: number };
      readonly exec?: { readonly command: string[] };
    };
  };
}

interface PodSpec {
  readonly terminationGracePeriodSeconds?: number;
  readonly containers: readonly Container[];
}

interface Deployment {
  readonly kind: 'Deployment';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly replicas?: number;
    readonly selector: { readonly matchLabels: Record<string, string> };
    readonly template: {
      readonly metadata: { readonly labels: Record<string, string> };
      readonly spec: PodSpec;
    };
  };
}

interface Service {
  readonly kind: 'Service';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly selector: Record<string, string>;
    readonly sessionAffinity?: string;
    readonly sessionAffinityConfig?: { readonly clientIP?: { readonly timeoutSeconds?: number } };
    readonly ports: readonly {
      readonly name?: string;
      readonly port: number;
      readonly targetPort: string | number;
    }[];
  };
}

interface IngressBackend {
  readonly service: {
    readonly name: string;
    readonly port: { readonly name?: string; readonly number?: number };
  };
}

interface Ingress {
  readonly kind: 'Ingress';
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly spec: {
    readonly ingressClassName?: string;
    readonly rules: readonly {
      readonly http: {
        readonly paths: readonly { readonly path: string; readonly backend: IngressBackend }[];
      };
    }[];
  };
}

interface ScalingPolicy {
  readonly type: 'Pods' | 'Percent';
  readonly value: number;
  readonly periodSeconds: number;
}

interface Autoscaler {
  readonly kind: 'HorizontalPodAutoscaler';
  readonly apiVersion: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
    readonly minReplicas?: number;
    readonly maxReplicas: number;
    readonly metrics: readonly {
      readonly type: string;
      readonly resource?: { readonly name: string; readonly target: { readonly type: string } };
    }[];
    readonly behavior?: {
      readonly scaleDown?: {
        readonly stabilizationWindowSeconds?: number;
        readonly selectPolicy?: string;
        readonly policies?: readonly ScalingPolicy[];
      };
    };
  };
}

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
}

const DIRECTORY = new URL('../kubernetes/', import.meta.url);
const MARGIN_SECONDS = 5;
/** server.ts's `checkTimeoutMs`. */
const CHECK_TIMEOUT_MS = 500;
const INGRESS_NGINX_HASH = 'nginx.ingress.kubernetes.io/upstream-hash-by';

/** Every document of every YAML file in kubernetes/. */
function manifests(): Manifest[] {
  const files = readdirSync(DIRECTORY).filter((file) => /\.ya?ml$/.test(file));
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(new URL(file, DIRECTORY), 'utf8')).map((document, index) => {
      expect(document.errors, `${file}, document ${index + 1}`).toEqual([]);
      const object = document.toJS() as Manifest | null;
      expect(object, `${file}, document ${index + 1}`).toMatchObject({
        apiVersion: expect.any(String),
        kind: expect.any(String),
        metadata: { name: expect.any(String) },
      });
      return object!;
    }),
  );
}

function load() {
  const objects = manifests();
  const ofKind = <Kind>(kind: string) => objects.filter((object) => object.kind === kind) as Kind[];
  const deployments = ofKind<Deployment>('Deployment');
  expect(deployments).toHaveLength(1);
  const deployment = deployments[0]!;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0]!;
  const env = Object.fromEntries(container.env.map(({ name, value }) => [name, value]));
  const podLabels = deployment.spec.template.metadata.labels;
  const selects = (selector: Record<string, string>) =>
    Object.entries(selector).every(([key, value]) => podLabels[key] === value);
  const services = ofKind<Service>('Service').filter((service) => selects(service.spec.selector));
  const serviceNames = new Set(services.map((service) => service.metadata.name));
  const ingresses = ofKind<Ingress>('Ingress').filter((ingress) =>
    ingress.spec.rules.some((rule) =>
      rule.http.paths.some((path) => serviceNames.has(path.backend.service.name)),
    ),
  );
  const autoscalers = ofKind<Autoscaler>('HorizontalPodAutoscaler');
  return { objects, deployment, pod, container, env, services, ingresses, autoscalers };
}

/** Milliseconds from the manifest's environment; the manifest must set each one (server.ts has its own defaults). */
function seconds(env: Record<string, string>, name: string): number {
  const value = Number(env[name]);
  expect(Number.isFinite(value) && value >= 0, `${name}=${env[name]}`).toBe(true);
  return value / 1_000;
}

/** Seconds a preStop hook sleeps before SIGTERM (native `sleep`, or `exec: sleep N`). */
function preStopSeconds(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep !== undefined) return preStop.sleep.seconds;
  const command = preStop?.exec?.command.join(' ');
  if (command === undefined) return 0;
  const match = command.match(/\bsleep\s+(\d+(?:\.\d+)?)/);
  expect(match, `a preStop hook that does not sleep a known time: ${command}`).not.toBeNull();
  return Number(match![1]);
}

// ---------------------------------------------------------------------------------------------------
// A balancer that routes as the manifest says: kube-proxy's ClientIP affinity, or ingress-nginx's
// consistent hash on an nginx expression. Only the choice of pod matters here, not the hash function.

type RouteKey = (request: IncomingMessage) => string;

/** The key ingress-nginx computes from an `upstream-hash-by` value (nginx variables, literal text). */
function nginxKey(expression: string): RouteKey {
  const parts = expression.split(/(\$[a-z_][a-z0-9_]*)/i).filter((part) => part !== '');
  const evaluators = parts.map((part): RouteKey => {
    if (!part.startsWith('$')) return () => part;
    if (part === '$remote_addr' || part === '$binary_remote_addr') {
      return (request) => request.socket.remoteAddress ?? '';
    }
    if (part.startsWith('$http_')) {
      const header = part.slice('$http_'.length).replaceAll('_', '-').toLowerCase();
      return (request) => {
        const value = request.headers[header];
        return Array.isArray(value) ? value.join(', ') : (value ?? '');
      };
    }
    throw new Error(`the test's balancer does not know the nginx variable ${part}: add it`);
  });
  return (request) => evaluators.map((evaluate) => evaluate(request)).join('');
}

interface Balancer {
  readonly url: URL;
  close(): void;
}

/** An HTTP proxy that sends each request to `targets[hash(key(request)) % targets.length]`. */
async function startBalancer(targets: readonly string[], key: RouteKey): Promise<Balancer> {
  const server: Server = createServer((request, response) => {
    const digest = createHash('sha256').update(key(request)).digest();
    const target = new URL(targets[digest.readUInt32BE(0) % targets.length]!);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Runs `count` sessions (initialize, two tool calls) through the balancer; returns how many failed. */
async function lostSessions(url: URL, count: number): Promise<number> {
  const outcomes = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const client = await connectHttp('v1', url).catch(() => undefined);
      if (client === undefined) return false;
      try {
        for (const city of [`Oslo ${index}`, `Lima ${index}`]) {
          const result = await client.callTool('forecast', { city });
          if (
            JSON.stringify(result) !==
            JSON.stringify({ content: [{ type: 'text', text: `Sunny in ${city}` }] })
          ) {
            return false;
          }
        }
        return true;
      } catch {
        return false;
      } finally {
        await client.close().catch(() => undefined);
      }
    }),
  );
  return outcomes.filter((ok) => !ok).length;
}

/** Two replicas of kubernetes/server.ts, with the manifest's settings, on free ports. */
async function startReplicas(env: Record<string, string>): Promise<string[]> {
  const replicas: FixtureChild[] = [0, 1].map(() =>
    spawnFixture('../kubernetes/server.ts', [], { ...env, PORT: '0' }),
  );
  return Promise.all(
    replicas.map(async (replica) => (await replica.waitForStderr(/listening on (\S+)\n/))[1]!),
  );
}

/** The routing rules the manifest sets for a session's requests, by hop. */
function routingRules(loaded: ReturnType<typeof load>): { hop: string; key: RouteKey }[] {
  return [
    ...loaded.services.map((service) => {
      expect(service.spec.sessionAffinity, `Service ${service.metadata.name}: sessionAffinity`).toBe(
        'ClientIP',
      );
      return { hop: `Service ${service.metadata.name}`, key: nginxKey('$remote_addr') };
    }),
    ...loaded.ingresses.map((ingress) => {
      const expression = ingress.metadata.annotations?.[INGRESS_NGINX_HASH];
      expect(expression, `Ingress ${ingress.metadata.name}: ${INGRESS_NGINX_HASH}`).toBeTypeOf('string');
      return { hop: `Ingress ${ingress.metadata.name}`, key: nginxKey(expression!) };
    }),
  ];
}

afterEach(() => killFixtures());

describe('kubernetes/*.yaml', () => {
  it('parses into a Deployment, a Service, an Ingress, an autoscaler and a disruption budget', () => {
    const { objects, services, ingresses, autoscalers } = load();
    expect(objects.map((object) => object.kind)).toEqual([
      'Deployment',
      'Service',
      'Ingress',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
    ]);
    expect([services.length, ingresses.length, autoscalers.length]).toEqual([1, 1, 1]);
  });

  it("probes the health plugin's routes on the container's port: /readyz for startup and readiness, /livez for liveness", () => {
    const { container, env, services, ingresses } = load();
    const plugin = health({ shutdown: false, eventLoopDelay: false });
    const routes = Object.keys(plugin.routes);
    plugin.dispose();
    const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe];
    for (const check of probes) expect(routes).toContain(check.httpGet.path);
    // /readyz fails during a drain (the endpoint goes); /livez must not, or the kubelet kills a draining pod.
    expect(container.startupProbe.httpGet.path).toBe('/readyz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/livez');

    // The port the server listens on (PORT) is the container port the probes and the Service use.
    const listening = Number(env.PORT);
    const named = (port: string | number) =>
      container.ports.find((candidate) => candidate.name === port || candidate.containerPort === port);
    for (const check of probes) {
      expect(named(check.httpGet.port)?.containerPort, `probe ${check.httpGet.path}`).toBe(listening);
      // The checks' time limit fits in the probe's timeout.
      expect(check.timeoutSeconds * 1_000).toBeGreaterThan(CHECK_TIMEOUT_MS);
    }
    for (const service of services) {
      for (const port of service.spec.ports) expect(named(port.targetPort)?.containerPort).toBe(listening);
    }
    // Ingresses reach the Service on one of its ports, and expose the MCP endpoint, not the probes.
    for (const ingress of ingresses) {
      for (const rule of ingress.spec.rules) {
        for (const path of rule.http.paths) {
          const service = services.find(({ metadata }) => metadata.name === path.backend.service.name)!;
          const { name, number } = path.backend.service.port;
          expect(service.spec.ports.some((port) => port.name === name || port.port === number)).toBe(true);
          expect(routes).not.toContain(path.path);
        }
      }
    }
  });

  it('gives the pod a grace period longer than preStop + delay + drain timeout + close timeout', () => {
    const { pod, container, env } = load();
    const delay = seconds(env, 'SHUTDOWN_DELAY_MS');
    const drain = seconds(env, 'DRAIN_TIMEOUT_MS');
    const close = seconds(env, 'CLOSE_TIMEOUT_MS');
    // Without the field Kubernetes gives 30 s.
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    expect(grace).toBeGreaterThanOrEqual(preStopSeconds(container) + delay + drain + close + MARGIN_SECONDS);
    // Requests keep being served until the failing readiness probe has been seen (preStop or the delay).
    expect(preStopSeconds(container) + delay).toBeGreaterThanOrEqual(container.readinessProbe.periodSeconds);
  });

  it('pins sessions to one pod at every hop whenever more than one pod can serve them', () => {
    const loaded = load();
    const { deployment, services, ingresses, autoscalers } = loaded;
    const scaled =
      (deployment.spec.replicas ?? 1) > 1 ||
      autoscalers.some(({ spec }) => spec.scaleTargetRef.name === deployment.metadata.name);
    expect(scaled).toBe(true); // The example runs replicas; without them this test would check nothing.
    expect(services.length).toBeGreaterThan(0);
    const rules = routingRules(loaded);
    expect(rules).toHaveLength(services.length + ingresses.length);
    for (const service of services) {
      // The pin must outlive a session's quiet periods (kube-proxy's default is 3 hours).
      expect(service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10_800).toBeGreaterThanOrEqual(
        3_600,
      );
    }
    for (const ingress of ingresses) {
      // The key must exist on initialize: a hash on the session id alone sends the id's requests anywhere.
      const expression = ingress.metadata.annotations![INGRESS_NGINX_HASH]!;
      expect(
        expression.replace(/\$http_mcp_session_id/gi, '').trim(),
        `${INGRESS_NGINX_HASH}: ${expression}`,
      ).not.toBe('');
    }
  });

  it('keeps every session on the pod that created it, on a balancer routing as each hop does', {
    timeout: 60_000,
  }, async () => {
    const loaded = load();
    const targets = await startReplicas(loaded.env);
    for (const { hop, key } of routingRules(loaded)) {
      const balancer = await startBalancer(targets, key);
      try {
        expect(await lostSessions(balancer.url, 8), hop).toBe(0);
      } finally {
        balancer.close();
      }
    }
    // The same balancer hashing on Mcp-Session-Id alone loses sessions (16 of them all surviving: 2^-16).
    const balancer = await startBalancer(targets, nginxKey('$http_mcp_session_id'));
    try {
      expect(await lostSessions(balancer.url, 16)).toBeGreaterThan(0);
    } finally {
      balancer.close();
    }
  });

  it('autoscales the Deployment on CPU from 2 pods, scaling down no faster than pods drain', () => {
    const { deployment, pod, container, autoscalers } = load();
    expect(autoscalers).toHaveLength(1);
    const { apiVersion, spec } = autoscalers[0]!;
    expect(apiVersion).toBe('autoscaling/v2');
    expect(spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    // The autoscaler owns the count: a `replicas` in the manifest would reset it on every apply.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas!);
    const cpu = spec.metrics.find((metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu');
    expect(cpu?.resource?.target.type).toBe('Utilization');
    // Utilization is a percentage of the container's CPU request: without one the HPA cannot compute it.
    expect(container.resources?.requests?.cpu).toBeTypeOf('string');

    // Each removed pod ends its sessions and drains: wait out bursts, and let one drain end before the next.
    const scaleDown = spec.behavior?.scaleDown;
    expect(scaleDown?.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    expect(scaleDown?.selectPolicy).not.toBe('Disabled');
    const policies = scaleDown?.policies ?? [];
    expect(policies.length).toBeGreaterThan(0);
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    for (const policy of policies) {
      expect(policy).toMatchObject({ type: 'Pods', value: 1 });
      expect(policy.periodSeconds).toBeGreaterThan(grace);
    }
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
