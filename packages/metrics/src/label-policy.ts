/** Applies the user's static labels and dropped labels to every Prometheus family of one plugin instance. */
import { checkLabelName } from './custom-labels.js';
import { type Dimension, labelOf, type SeriesValues } from './dimensions.js';

export type Labels = Record<string, string>;

/** The label names of one family and how to turn a series' values into its labels. */
export interface FamilyLabels {
  readonly names: readonly string[];
  labels(values: SeriesValues): Labels;
}

export class LabelPolicy {
  readonly staticLabels: Readonly<Labels>;
  private readonly dropped: ReadonlySet<string>;

  constructor(staticLabels: Readonly<Labels>, dropped: ReadonlySet<string>, reserved: ReadonlySet<string>) {
    for (const [name, value] of Object.entries(staticLabels)) {
      checkLabelName('the static label', name, reserved);
      if (typeof value !== 'string')
        throw new TypeError(`metrics(): the static label "${name}" must be a string.`);
    }
    this.staticLabels = { ...staticLabels };
    this.dropped = dropped;
  }

  /**
   * A family's labels: its own (minus the dropped ones, unless `keepAll`: a family whose only label is
   * its subject), then the custom ones, then the static ones.
   */
  family(dimensions: readonly Dimension[], customNames: readonly string[], keepAll = false): FamilyLabels {
    const kept = keepAll
      ? dimensions
      : dimensions.filter((dimension) => !this.dropped.has(labelOf(dimension)));
    const own = kept.map(labelOf);
    const { staticLabels } = this;
    return {
      names: [...own, ...customNames, ...Object.keys(staticLabels)],
      labels(values) {
        const labels: Labels = {};
        for (let index = 0; index < kept.length; index++)
          labels[own[index]!] = values.own[kept[index]!] ?? '';
        for (let index = 0; index < customNames.length; index++) {
          labels[customNames[index]!] = values.custom[index] ?? '';
        }
        return Object.assign(labels, staticLabels);
      },
    };
  }
}
