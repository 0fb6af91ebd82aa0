import { DROPPABLE_LABELS } from './names.js';

export function checkBuckets(option: string, buckets: readonly number[]): void {
  const ascending = buckets.every(
    (bound, index) => Number.isFinite(bound) && (index === 0 || bound > buckets[index - 1]!),
  );
  if (buckets.length === 0 || !ascending) {
    throw new TypeError(`metrics(): \`${option}\` must be finite numbers in ascending order.`);
  }
}

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
