/** Heap used after full garbage collections (vitest runs with `--expose-gc`). */
export async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (vitest.config.ts sets execArgv)');
  // Let closed transports' callbacks and timers run, then collect until the heap stops shrinking.
  let previous = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 10; pass++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous) return used;
    previous = used;
  }
  return previous;
}
