import { OTHER } from './names.js';

/**
 * A small, capped vocabulary of label values, each with a stable index: index 0 is the empty value,
 * index 1 is `_OTHER`, and once `limit` values are known every new one folds into `_OTHER`.
 */
export class BoundedValues {
  readonly values: string[] = [];
  private readonly indexes = new Map<string, number>();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
    this.add('');
    this.add(OTHER);
  }

  indexOf(value: string | undefined): number {
    if (value === undefined) return 0;
    const known = this.indexes.get(value);
    if (known !== undefined) return known;
    return this.values.length < this.limit ? this.add(value) : 1;
  }

  private add(value: string): number {
    const index = this.values.length;
    this.values.push(value);
    this.indexes.set(value, index);
    return index;
  }
}
