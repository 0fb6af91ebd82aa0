/**
 * Allowed and refused counts of the last 60 seconds, one slot per second, for the refusal rate. The
 * current second is counted in two plain fields; it moves into its slot when the second is over.
 */

export const RECENT_SECONDS = 60;

export class RecentCounts {
  private readonly allowedSlots = new Float64Array(RECENT_SECONDS);
  private readonly refusedSlots = new Float64Array(RECENT_SECONDS);
  /** The current second (since the epoch), the time it ends, and its counts so far. */
  private second = Number.NEGATIVE_INFINITY;
  private secondEnds = Number.NEGATIVE_INFINITY;
  private allowed = 0;
  private refused = 0;

  record(now: number, refused: boolean): void {
    if (now >= this.secondEnds) this.rotate(now);
    if (refused) this.refused++;
    else this.allowed++;
  }

  /** Totals over the last `windowMs` (whole seconds, 1 to 60), ending now. */
  totals(now: number, windowMs: number): { allowed: number; refused: number } {
    if (now >= this.secondEnds) this.rotate(now);
    const seconds = Math.min(RECENT_SECONDS, Math.max(1, Math.round(windowMs / 1000)));
    let { allowed, refused } = this;
    for (let back = 1; back < seconds; back++) {
      const slot = slotOf(this.second - back);
      allowed += this.allowedSlots[slot]!;
      refused += this.refusedSlots[slot]!;
    }
    return { allowed, refused };
  }

  /** Files the finished second into its slot and clears the slots of seconds without requests. */
  private rotate(now: number): void {
    const second = Math.floor(now / 1000);
    if (Number.isFinite(this.second)) {
      const slot = slotOf(this.second);
      this.allowedSlots[slot] = this.allowed;
      this.refusedSlots[slot] = this.refused;
    }
    const passed = second - this.second;
    if (passed >= RECENT_SECONDS) {
      this.allowedSlots.fill(0);
      this.refusedSlots.fill(0);
    } else {
      for (let step = 1; step < passed; step++) {
        const slot = slotOf(this.second + step);
        this.allowedSlots[slot] = 0;
        this.refusedSlots[slot] = 0;
      }
    }
    this.second = second;
    this.secondEnds = (second + 1) * 1000;
    this.allowed = 0;
    this.refused = 0;
  }
}

function slotOf(second: number): number {
  return ((second % RECENT_SECONDS) + RECENT_SECONDS) % RECENT_SECONDS;
}
