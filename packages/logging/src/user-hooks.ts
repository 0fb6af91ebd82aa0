/**
 * The user's per-request hooks (`ignore`, `customProps`, `customLogLevel`). A hook that throws or returns
 * what it may not is reported once per hook and the line is written as if it had returned nothing.
 */
import { type McpscopePlugin, type RequestFacts, reportDiagnostic } from '@mcpscope/core';
import type { Logger } from 'pino';
import { LOGGING_DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { isReservedField } from './fields.js';
import type { LoggingCustomLogLevel, LoggingCustomProps, LoggingIgnore } from './types.js';

type HookName = 'ignore' | 'customProps' | 'customLogLevel';

function reportFailure(plugin: McpscopePlugin, hook: HookName, error: unknown): void {
  reportDiagnostic(plugin, {
    code: LOGGING_DIAGNOSTIC_CODES.hookFailed,
    hook,
    message: `${hook} threw (the line was written without it; later failures are not reported)`,
    error,
  });
}

function reportInvalid(plugin: McpscopePlugin, hook: HookName, message: string): void {
  reportDiagnostic(plugin, { code: LOGGING_DIAGNOSTIC_CODES.hookInvalid, hook, message });
}

/** Whether `ignore` asks for no line; a throwing `ignore` keeps the line. */
export function isIgnored(plugin: McpscopePlugin, ignore: LoggingIgnore, request: RequestFacts): boolean {
  try {
    return ignore(request) === true;
  } catch (error) {
    reportFailure(plugin, 'ignore', error);
    return false;
  }
}

/** The request's own fields from `customProps`, without mcpscope's keys; undefined when there are none. */
export function customPropsOf(
  plugin: McpscopePlugin,
  customProps: LoggingCustomProps,
  request: RequestFacts,
): Record<string, unknown> | undefined {
  let props: unknown;
  try {
    props = customProps(request);
  } catch (error) {
    reportFailure(plugin, 'customProps', error);
    return undefined;
  }
  if (props === undefined || props === null) return undefined;
  if (typeof props !== 'object' || Array.isArray(props)) {
    reportInvalid(plugin, 'customProps', `customProps returned ${typeof props}, not an object: ignored`);
    return undefined;
  }
  let kept: Record<string, unknown> | undefined;
  for (const key of Object.keys(props)) {
    if (isReservedField(key)) continue;
    kept ??= {};
    kept[key] = (props as Record<string, unknown>)[key];
  }
  return kept;
}

/** The level `customLogLevel` chose, if it is a level of the logger (or `silent`); else undefined. */
export function customLevelOf(
  plugin: McpscopePlugin,
  customLogLevel: LoggingCustomLogLevel,
  request: RequestFacts,
  logger: Logger,
): string | undefined {
  let level: unknown;
  try {
    level = customLogLevel(request);
  } catch (error) {
    reportFailure(plugin, 'customLogLevel', error);
    return undefined;
  }
  if (level === undefined) return undefined;
  if (typeof level === 'string' && (level === 'silent' || Object.hasOwn(logger.levels.values, level))) {
    return level;
  }
  reportInvalid(
    plugin,
    'customLogLevel',
    `customLogLevel returned ${JSON.stringify(level) ?? String(level)}, not a level of the logger: the default level was used`,
  );
  return undefined;
}
