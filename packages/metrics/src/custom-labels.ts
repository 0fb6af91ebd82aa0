/**
 * The user's per-request labels (`customLabels`), bounded by the values the user listed, and the
 * per-request hooks' failure rule: a hook that throws is reported once and counts as returning nothing.
 */
import { OTHER_VALUE, type RequestFacts } from '@mcpscope/core';
import { ClosedValues } from './label-values.js';
import type { CustomLabels } from './types.js';

/** Prometheus label names (also used as OpenTelemetry attribute names as they are). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function checkLabelName(option: string, name: string, reserved: ReadonlySet<string>): void {
  if (!LABEL_NAME.test(name) || name.startsWith('__') || name === 'le' || name === 'quantile') {
    throw new TypeError(`metrics(): ${option} "${name}" is not a valid Prometheus label name.`);
  }
  if (reserved.has(name)) {
    throw new TypeError(`metrics(): ${option} "${name}" is one of mcpscope's own labels.`);
  }
}

/** Reports a user hook that threw (once per hook, through core's diagnostics). */
export type HookFailure = (hook: string, error: unknown) => void;

export class CustomLabelSet {
  readonly names: readonly string[];
  /** How many distinct codes `codeOf` can return. */
  readonly size: number;
  private readonly domains: readonly ClosedValues[];
  private readonly hooks: readonly ((request: RequestFacts) => string | undefined)[];
  private readonly hookNames: readonly string[];
  private readonly failed: HookFailure;

  constructor(customLabels: CustomLabels, reserved: ReadonlySet<string>, failed: HookFailure) {
    const names = Object.keys(customLabels);
    const domains: ClosedValues[] = [];
    for (const name of names) {
      checkLabelName('the custom label', name, reserved);
      const { values, value } = customLabels[name]!;
      if (!Array.isArray(values) || values.some((entry) => typeof entry !== 'string' || entry === '')) {
        throw new TypeError(`metrics(): customLabels.${name}.values must be non-empty strings.`);
      }
      if (values.includes(OTHER_VALUE)) {
        throw new TypeError(`metrics(): customLabels.${name}.values cannot hold "${OTHER_VALUE}".`);
      }
      if (typeof value !== 'function') {
        throw new TypeError(`metrics(): customLabels.${name}.value must be a function of the request.`);
      }
      domains.push(new ClosedValues(values));
    }
    this.names = names;
    this.domains = domains;
    this.hooks = names.map((name) => customLabels[name]!.value);
    this.hookNames = names.map((name) => `customLabels.${name}`);
    this.size = domains.reduce((product, domain) => product * domain.size, 1);
    this.failed = failed;
  }

  /** One number for the request's custom values: each label's index, in mixed radix. */
  codeOf(request: RequestFacts): number {
    let code = 0;
    for (let index = 0; index < this.hooks.length; index++) {
      let value: unknown;
      try {
        value = this.hooks[index]!(request);
      } catch (error) {
        this.failed(this.hookNames[index]!, error);
        value = undefined;
      }
      const domain = this.domains[index]!;
      code =
        code * domain.size +
        (typeof value === 'string' ? domain.indexOf(value) : value === undefined ? 0 : 1);
    }
    return code;
  }

  /** The values a code stands for, one per name (`''` for a hook that returned undefined). */
  valuesOf(code: number): string[] {
    const values = new Array<string>(this.domains.length);
    let rest = code;
    for (let index = this.domains.length - 1; index >= 0; index--) {
      const domain = this.domains[index]!;
      values[index] = domain.values[rest % domain.size]!;
      rest = Math.floor(rest / domain.size);
    }
    return values;
  }
}

/** Calls `ignore`; a throw is reported once and the request is recorded. */
export function isIgnored(
  ignore: ((request: RequestFacts) => boolean) | undefined,
  request: RequestFacts,
  failed: HookFailure,
): boolean {
  if (ignore === undefined) return false;
  try {
    return ignore(request) === true;
  } catch (error) {
    failed('ignore', error);
    return false;
  }
}
