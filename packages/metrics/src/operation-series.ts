/**
 * The series of one request in an operation histogram, for both backends: the bounded value of every
 * dimension of `OPERATION_DIMENSIONS`, found by arithmetic on small integers and cached, so a request
 * whose series exists costs a few map lookups and no string building.
 */
import {
  boundedMethod,
  ERROR_SIDES,
  EXECUTE_TOOL_OPERATION,
  OTHER_VALUE,
  OUTCOMES,
  type RequestFacts,
  TOOL_ERROR_REASONS,
} from '@mcpscope/core';
import type { CustomLabelSet } from './custom-labels.js';
import type { SeriesValues } from './dimensions.js';
import { BoundedValues, ClosedValues, type LabelValues } from './label-values.js';

/** The open domains one plugin instance learns, shared by its families. */
export class Vocabulary {
  readonly outcomes = new ClosedValues(OUTCOMES);
  readonly reasons = new ClosedValues(TOOL_ERROR_REASONS);
  readonly sides = new ClosedValues(ERROR_SIDES);
  readonly transports = new BoundedValues(8);
  readonly protocolNames = new BoundedValues(8);
  readonly protocolVersions = new BoundedValues(34);
  readonly errorTypes = new BoundedValues(66);
}

const JSON_RPC_CODE = /^-?\d+$/;

/** Tool and prompt labels take only names the server registered (or listed); the rest fold. */
export type TargetOf = (request: RequestFacts) => string;

/** Inbound requests: core says whether the server registered the name. */
export function registeredTarget(request: RequestFacts): string {
  return request.targetRegistered === true ? (request.target as string) : OTHER_VALUE;
}

/**
 * Caches series by method, then target, then one number packing the small domains (and the custom
 * labels' code). `create` is called once per series.
 */
export class OperationSeries<Series> {
  private readonly rows = new Map<string, Map<string, Map<number, Series>>>();
  private readonly domains: readonly LabelValues[];
  private readonly vocabulary: Vocabulary;
  private readonly custom: CustomLabelSet | undefined;
  private readonly targetOf: TargetOf;
  private readonly create: (values: SeriesValues) => Series;

  constructor(
    vocabulary: Vocabulary,
    custom: CustomLabelSet | undefined,
    targetOf: TargetOf,
    create: (values: SeriesValues) => Series,
  ) {
    const { outcomes, reasons, sides, transports, protocolNames, protocolVersions, errorTypes } = vocabulary;
    this.domains = [outcomes, reasons, sides, transports, protocolNames, protocolVersions, errorTypes];
    const space = this.domains.reduce((product, domain) => product * domain.size, 1) * (custom?.size ?? 1);
    if (space > Number.MAX_SAFE_INTEGER) {
      throw new TypeError('metrics(): customLabels list too many value combinations.');
    }
    this.vocabulary = vocabulary;
    this.custom = custom;
    this.targetOf = targetOf;
    this.create = create;
  }

  seriesFor(request: RequestFacts, customCode: number): Series {
    const method = boundedMethod(request.method);
    const target = method === 'tools/call' || method === 'prompts/get' ? this.targetOf(request) : '';
    let byTarget = this.rows.get(method);
    if (byTarget === undefined) {
      byTarget = new Map();
      this.rows.set(method, byTarget);
    }
    let byCode = byTarget.get(target);
    if (byCode === undefined) {
      byCode = new Map();
      byTarget.set(target, byCode);
    }
    const { session } = request;
    const { outcomes, reasons, sides, transports, protocolNames, protocolVersions, errorTypes } =
      this.vocabulary;
    let code = outcomes.indexOf(request.outcome);
    code = code * reasons.size + reasons.indexOf(request.toolErrorReason);
    code = code * sides.size + sides.indexOf(request.errorSide);
    code = code * transports.size + transports.indexOf(session.networkTransport);
    code = code * protocolNames.size + protocolNames.indexOf(session.networkProtocolName);
    code = code * protocolVersions.size + protocolVersions.indexOf(session.protocolVersion);
    code = code * errorTypes.size + errorTypes.indexOf(request.errorType);
    if (this.custom !== undefined) code = code * this.custom.size + customCode;
    const known = byCode.get(code);
    if (known !== undefined) return known;
    const created = this.create(this.valuesOf(method, target, code));
    byCode.set(code, created);
    return created;
  }

  private valuesOf(method: string, target: string, code: number): SeriesValues {
    let rest = code;
    let custom: string[] = [];
    if (this.custom !== undefined) {
      custom = this.custom.valuesOf(rest % this.custom.size);
      rest = Math.floor(rest / this.custom.size);
    }
    const indexes = new Array<number>(this.domains.length);
    for (let index = this.domains.length - 1; index >= 0; index--) {
      const size = this.domains[index]!.size;
      indexes[index] = rest % size;
      rest = Math.floor(rest / size);
    }
    const [outcome, reason, side, transport, protocolName, version, errorType] = this.domains.map(
      (domain, index) => domain.values[indexes[index]!] ?? OTHER_VALUE,
    ) as [string, string, string, string, string, string, string];
    return {
      own: {
        method,
        tool: method === 'tools/call' ? target : '',
        prompt: method === 'prompts/get' ? target : '',
        operationName: method === 'tools/call' ? EXECUTE_TOOL_OPERATION : '',
        errorType,
        rpcResponseStatusCode: JSON_RPC_CODE.test(errorType) ? errorType : '',
        errorSide: side,
        outcome,
        toolErrorReason: reason,
        protocolVersion: version,
        networkTransport: transport,
        networkProtocolName: protocolName,
      },
      custom,
    };
  }
}
