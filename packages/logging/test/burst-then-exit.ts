/**
 * A server with `logging()`'s own default logger (stderr) answers a burst of concurrent tools/call, then
 * the process ends at once, for the exit test. Usage:
 *   node --import tsx test/burst-then-exit.ts <requests> <exit|close|crash>
 * exit: process.exit(0) right after the last answer; close: server.close() first; crash: an uncaught
 * exception right after the last answer.
 */
import { observe } from '@mcpscope/core';
import { connectInMemory, createExampleServer } from '@mcpscope/test-kit';
import { logging } from '../src/index.js';

const requests = Number(process.argv[2]);
const mode = process.argv[3];
const server = observe(createExampleServer({ sdk: 'v1' })).use(logging());
const client = await connectInMemory(server, 'v1');
await Promise.all(Array.from({ length: requests }, (_, n) => client.callTool('echo', { text: `n${n}` })));
if (mode === 'close') await server.close();
if (mode === 'crash') throw new Error('crashed right after the burst');
process.exit(0);
