/** Applies the user's static labels and dropped labels to every metric of one plugin instance. */
export type Labels = Record<string, string>;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class LabelPolicy {
  readonly staticLabels: Readonly<Labels>;
  private readonly dropped: ReadonlySet<string>;

  constructor(staticLabels: Readonly<Labels>, dropped: ReadonlySet<string>, reserved: ReadonlySet<string>) {
    for (const [name, value] of Object.entries(staticLabels)) {
      if (!LABEL_NAME.test(name) || name.startsWith('__') || name === 'le' || name === 'quantile') {
        throw new TypeError(`metrics(): "${name}" is not a valid Prometheus label name.`);
      }
      if (reserved.has(name))
        throw new TypeError(`metrics(): the static label "${name}" is one of mcpscope's own labels.`);
      if (typeof value !== 'string')
        throw new TypeError(`metrics(): the static label "${name}" must be a string.`);
    }
    this.staticLabels = { ...staticLabels };
    this.dropped = dropped;
  }

  /** The label names of a metric: its own labels minus the dropped ones, then the static labels. */
  names(own: readonly string[]): string[] {
    return [...own.filter((name) => !this.dropped.has(name)), ...Object.keys(this.staticLabels)];
  }

  /** The label values of one series (called once per series, never per request). */
  labels(own: Labels): Labels {
    const labels: Labels = {};
    for (const [name, value] of Object.entries(own)) if (!this.dropped.has(name)) labels[name] = value;
    return Object.assign(labels, this.staticLabels);
  }
}
