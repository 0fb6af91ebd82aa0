/** The logger `logging()` makes when given none: its level (the `level` option, else LOG_LEVEL, else info). */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { logging } from './index.js';

const saved = process.env.LOG_LEVEL;
afterEach(() => {
  if (saved === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = saved;
});

describe('the default logger’s level', () => {
  it.each([
    [undefined, undefined, 'info'],
    [undefined, 'debug', 'debug'],
    [undefined, ' WARN ', 'warn'],
    [undefined, 'loud', 'info'],
    ['error', 'debug', 'error'],
    ['silent', undefined, 'silent'],
  ] as const)('level option %s, LOG_LEVEL %s: %s', (level, environment, expected) => {
    if (environment === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = environment;
    const plugin = logging(level === undefined ? {} : { level });
    expect(plugin.logger.level).toBe(expected);
  });

  it('the level option is ignored when a logger is given', () => {
    const given = logging({ level: 'error' }).logger;
    given.level = 'debug';
    expect(logging({ logger: given, level: 'error' }).logger.level).toBe('debug');
  });
});

describe('the default logger’s destination', () => {
  it('writes to stderr asynchronously, in chunks of at most 4 KB', () => {
    const logger = logging().logger as unknown as Record<symbol, unknown>;
    const destination = logger[pino.symbols.streamSym] as {
      fd: number;
      sync: boolean;
      maxWrite: number;
      minLength: number;
    };
    expect({
      fd: destination.fd,
      sync: destination.sync,
      maxWrite: destination.maxWrite,
      minLength: destination.minLength,
    }).toEqual({ fd: 2, sync: false, maxWrite: 4096, minLength: 0 });
  });
});
