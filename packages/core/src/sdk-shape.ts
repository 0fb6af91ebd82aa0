/**
 * The parts of the MCP SDK (v1 `@modelcontextprotocol/sdk`, v2 `@modelcontextprotocol/server`) that
 * core relies on, described structurally: core has no runtime dependency on either SDK.
 */
import type { EndpointRole, TransportKind } from './vocabulary.js';

export type MessageHandler = (message: unknown, extra?: unknown) => void;
export type SendFunction = (message: unknown, options?: unknown) => Promise<void>;
export type RequestHandler = (request: unknown, extra: unknown) => unknown;

/** A transport as the SDK's `Protocol` uses it. */
export interface SdkTransport {
  start(): Promise<void>;
  send: SendFunction;
  close(): Promise<void>;
  onmessage?: MessageHandler;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  sessionId?: string;
  /** Streamable HTTP server transports (v1 node, v2 node and web-standard). */
  handleRequest?: (...args: unknown[]) => unknown;
}

/** The SDK's `Protocol` (v1 `Server`, v2 `Server`): the object that owns the transport. */
export interface SdkProtocol {
  connect(transport: SdkTransport): Promise<void>;
  close(): Promise<void>;
  readonly transport?: SdkTransport;
  _requestHandlers?: Map<string, RequestHandler>;
  _requestHandlerAbortControllers?: Map<unknown, AbortController>;
  _serverInfo?: { name?: unknown; version?: unknown };
  /** Clients: their own `clientInfo`. */
  _clientInfo?: { name?: unknown; version?: unknown };
}

export interface RegisteredEntry {
  enabled?: boolean;
}

/** The SDK's high-level `McpServer` (v1 and v2): a registry of tools, prompts and resources. */
export interface SdkRegistry {
  server: SdkProtocol;
  close(): Promise<void>;
  _registeredTools?: Record<string, RegisteredEntry>;
  _registeredPrompts?: Record<string, RegisteredEntry>;
  executeToolHandler?: (tool: unknown, args: unknown, extra: unknown) => Promise<unknown>;
  validateToolOutput?: (tool: unknown, result: unknown, toolName: string) => Promise<void>;
}

function isProtocol(value: unknown): value is SdkProtocol {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SdkProtocol).connect === 'function' &&
    typeof (value as { setRequestHandler?: unknown }).setRequestHandler === 'function'
  );
}

export interface EndpointShape {
  role: EndpointRole;
  protocol: SdkProtocol;
  registry: SdkRegistry | undefined;
}

/** An SDK `Client` (v1 and v2): a protocol that calls tools rather than serving them. */
function isClient(value: SdkProtocol): boolean {
  const client = value as unknown as Record<string, unknown>;
  return typeof client.callTool === 'function' && typeof client.getServerCapabilities === 'function';
}

/**
 * Tells a high-level McpServer from a low-level Server or a Client; throws a clear error for anything
 * else.
 */
export function endpointShapeOf(endpoint: unknown): EndpointShape {
  if (typeof endpoint === 'object' && endpoint !== null) {
    const inner = (endpoint as { server?: unknown }).server;
    if (isProtocol(inner) && typeof (endpoint as { connect?: unknown }).connect === 'function') {
      return { role: 'server', protocol: inner, registry: endpoint as SdkRegistry };
    }
    if (isProtocol(endpoint)) {
      return { role: isClient(endpoint) ? 'client' : 'server', protocol: endpoint, registry: undefined };
    }
  }
  throw new TypeError(
    'observe() takes an MCP server or client: a McpServer, Server or Client from @modelcontextprotocol/sdk ' +
      '(1.x), or from @modelcontextprotocol/server or @modelcontextprotocol/client (2.x).',
  );
}

const TRANSPORT_KINDS: Record<string, TransportKind> = {
  StdioServerTransport: 'stdio',
  StreamableHTTPServerTransport: 'streamable-http',
  WebStandardStreamableHTTPServerTransport: 'streamable-http',
  NodeStreamableHTTPServerTransport: 'streamable-http',
  PerRequestHTTPServerTransport: 'streamable-http',
  SSEServerTransport: 'sse',
  InMemoryTransport: 'in-memory',
  StdioClientTransport: 'stdio',
  StreamableHTTPClientTransport: 'streamable-http',
  SSEClientTransport: 'sse',
};

export function transportKindOf(transport: object): TransportKind {
  const byName = TRANSPORT_KINDS[transport.constructor?.name ?? ''];
  if (byName !== undefined) return byName;
  const shape = transport as Record<string, unknown>;
  if ('_stdin' in shape && '_stdout' in shape) return 'stdio';
  if (typeof shape.handlePostMessage === 'function') return 'sse';
  if (typeof shape.handleRequest === 'function' || typeof shape.handleMessage === 'function') {
    return 'streamable-http';
  }
  if (shape._url instanceof URL) return 'streamable-http';
  return 'unknown';
}

export function networkTransportOf(kind: TransportKind): 'pipe' | 'tcp' | undefined {
  if (kind === 'stdio') return 'pipe';
  if (kind === 'streamable-http' || kind === 'sse') return 'tcp';
  return undefined;
}

/** The JSON-RPC id of the request a handler is serving, from its `extra` (v1) or `ctx` (v2). */
export function requestIdOfHandlerContext(context: unknown): unknown {
  if (typeof context !== 'object' || context === null) return undefined;
  const v1 = (context as { requestId?: unknown }).requestId;
  if (v1 !== undefined) return v1;
  return (context as { mcpReq?: { id?: unknown } }).mcpReq?.id;
}

/** An MCP-Protocol-Version header from the transport's per-message extra (stateless HTTP). */
export function protocolVersionHeaderOf(extra: unknown): string | undefined {
  if (typeof extra !== 'object' || extra === null) return undefined;
  const requestInfo = (extra as { requestInfo?: { headers?: unknown } }).requestInfo;
  const headers = requestInfo?.headers ?? (extra as { request?: { headers?: unknown } }).request?.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value =
    typeof (headers as Headers).get === 'function'
      ? (headers as Headers).get('mcp-protocol-version')
      : (headers as Record<string, unknown>)['mcp-protocol-version'];
  return typeof value === 'string' ? value : undefined;
}

/** Where an HTTP client transport connects to (`server.address`, `server.port`). */
export function serverEndpointOf(transport: object): { address: string; port: number } | undefined {
  const url = (transport as { _url?: unknown })._url;
  if (!(url instanceof URL)) return undefined;
  const address = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { address, port };
}
