import { DIMENSIONS, type Dimension, FAMILY_DIMENSIONS, labelOf } from './dimensions.js';

export function checkBuckets(option: string, buckets: readonly number[]): void {
  const ascending = buckets.every(
    (bound, index) => Number.isFinite(bound) && (index === 0 || bound > buckets[index - 1]!),
  );
  if (buckets.length === 0 || !ascending) {
    throw new TypeError(`metrics(): \`${option}\` must be finite numbers in ascending order.`);
  }
}

/** Labels a user may drop: all but the method name and the labels that name a family's own subject. */
const KEPT: ReadonlySet<Dimension> = new Set([
  'method',
  'refusalPlugin',
  'refusalReason',
  'refusalScope',
  'notificationDirection',
]);
export const DROPPABLE_LABELS: readonly string[] = [
  ...new Set(Object.values(FAMILY_DIMENSIONS).flat() as Dimension[]),
]
  .filter((dimension) => dimension in DIMENSIONS && !KEPT.has(dimension))
  .map(labelOf);

export function checkDropLabels(dropLabels: readonly string[]): ReadonlySet<string> {
  for (const name of dropLabels) {
    if (!DROPPABLE_LABELS.includes(name)) {
      throw new TypeError(
        `metrics(): cannot drop "${name}"; droppable labels: ${DROPPABLE_LABELS.join(', ')}.`,
      );
    }
  }
  return new Set(dropLabels);
}
