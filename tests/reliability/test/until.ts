/**
 * Waits until `condition` holds, checking after every turn of the event loop (not on a timer): the
 * fuzzer waits thousands of times for work that takes microseconds. Fails with `what` after `timeoutMs`.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
