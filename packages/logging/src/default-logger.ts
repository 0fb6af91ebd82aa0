import pino, { type LevelWithSilent, type Logger } from 'pino';

/**
 * sonic-boom measures the byte length of the chunk it is filling on every write; chunks of 4 KB keep that
 * cheap (its default is 16 KB) and still carry many lines per system call. `bench/` in this package
 * compares the settings.
 */
const DEFAULT_MAX_WRITE = 4096;

function isLevel(level: string | undefined): level is LevelWithSilent {
  return level !== undefined && (level === 'silent' || Object.hasOwn(pino.levels.values, level));
}

/** The logger made when none is given: JSON lines to stderr (stdout belongs to the stdio transport). */
export function createDefaultLogger(level?: LevelWithSilent): Logger {
  const fromEnvironment = process.env.LOG_LEVEL?.trim().toLowerCase();
  const chosen = level ?? (isLevel(fromEnvironment) ? fromEnvironment : 'info');
  return pino({ level: chosen }, pino.destination({ dest: 2, sync: false, maxWrite: DEFAULT_MAX_WRITE }));
}
