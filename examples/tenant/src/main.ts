/** `PORT=3000 pnpm --filter @mcpscope/example-tenant start`: Sentry and OpenTelemetry first, then the server. */
import './instrument.js';
import { startTenantServer } from './server.js';

const running = await startTenantServer({ port: Number(process.env.PORT ?? 3000) });
process.stderr.write(`tenant example: MCP at ${running.url}, probes and /metrics at ${running.baseUrl}\n`);
