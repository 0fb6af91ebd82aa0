/** A clock that only moves when a test moves it, running due timers as it goes. */
import type { RateLimitClock } from '../src/index.js';

/** Aligned to minutes, so windows start where a test expects. */
export const START_TIME = 6_000_000;

export class ManualClock implements RateLimitClock {
  time: number;
  private timers: { at: number; callback: () => void }[] = [];

  constructor(time = START_TIME) {
    this.time = time;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): void {
    this.timers.push({ at: this.time + delayMs, callback });
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward, running each timer that falls due in order of its due time. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = until;
  }
}
