/**
 * Label values as small integers, so a request's series is found by arithmetic instead of by building
 * a string. Index 0 is the empty value (unset: the label is `''`, the attribute is omitted), index 1
 * is `_OTHER` (a value outside the domain), the rest are the values.
 */
import { OTHER_VALUE } from '@mcpscope/core';

export interface LabelValues {
  readonly values: readonly string[];
  /** The number of indexes `indexOf` can return. */
  readonly size: number;
  indexOf(value: string | undefined): number;
}

/** A closed domain: core's vocabulary (outcomes, reasons, sides) or the values a user listed. */
export class ClosedValues implements LabelValues {
  readonly values: readonly string[];
  readonly size: number;
  private readonly indexes: ReadonlyMap<string, number>;

  constructor(values: readonly string[]) {
    this.values = ['', OTHER_VALUE, ...values];
    this.size = this.values.length;
    this.indexes = new Map(this.values.map((value, index) => [value, index]));
  }

  indexOf(value: string | undefined): number {
    return value === undefined ? 0 : (this.indexes.get(value) ?? 1);
  }
}

/** An open domain, capped: values are learned as they come, and once `limit` are known the rest fold. */
export class BoundedValues implements LabelValues {
  readonly values: string[] = ['', OTHER_VALUE];
  readonly size: number;
  private readonly indexes = new Map<string, number>([
    ['', 0],
    [OTHER_VALUE, 1],
  ]);

  constructor(limit: number) {
    this.size = limit;
  }

  indexOf(value: string | undefined): number {
    if (value === undefined) return 0;
    const known = this.indexes.get(value);
    if (known !== undefined) return known;
    if (this.values.length >= this.size) return 1;
    const index = this.values.length;
    this.values.push(value);
    this.indexes.set(value, index);
    return index;
  }
}
