/** Opens an MCP session over a raw connection: `initialize`, then `notifications/initialized`. */
import type { RawConnection } from '@mcpscope/test-kit';

export async function initializeRaw(connection: RawConnection): Promise<void> {
  await connection.send({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  await connection.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}
