/** Allowed and refused counts of the last 60 seconds, one slot per second, for the refusal rate. */

export const RECENT_SECONDS = 60;

export class RecentCounts {
  private readonly allowed = new Float64Array(RECENT_SECONDS);
  private readonly refused = new Float64Array(RECENT_SECONDS);
  /** The second (since the epoch) of the newest slot. */
  private second = Number.NEGATIVE_INFINITY;

  record(now: number, refused: boolean): void {
    const slot = this.slotFor(now);
    if (refused) this.refused[slot]!++;
    else this.allowed[slot]!++;
  }

  /** Totals over the last `windowMs` (whole seconds, 1 to 60), ending now. */
  totals(now: number, windowMs: number): { allowed: number; refused: number } {
    this.slotFor(now);
    const seconds = Math.min(RECENT_SECONDS, Math.max(1, Math.round(windowMs / 1000)));
    let allowed = 0;
    let refused = 0;
    for (let back = 0; back < seconds; back++) {
      const slot = (((this.second - back) % RECENT_SECONDS) + RECENT_SECONDS) % RECENT_SECONDS;
      allowed += this.allowed[slot]!;
      refused += this.refused[slot]!;
    }
    return { allowed, refused };
  }

  private slotFor(now: number): number {
    const second = Math.floor(now / 1000);
    if (second > this.second) this.rotate(second);
    return ((this.second % RECENT_SECONDS) + RECENT_SECONDS) % RECENT_SECONDS;
  }

  /** Clears the slots of the seconds that passed without a request. */
  private rotate(second: number): void {
    const passed = second - this.second;
    if (passed >= RECENT_SECONDS) {
      this.allowed.fill(0);
      this.refused.fill(0);
    } else {
      for (let step = 1; step <= passed; step++) {
        const slot = (((this.second + step) % RECENT_SECONDS) + RECENT_SECONDS) % RECENT_SECONDS;
        this.allowed[slot] = 0;
        this.refused[slot] = 0;
      }
    }
    this.second = second;
  }
}
