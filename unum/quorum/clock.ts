// unum/quorum/clock.ts: the time a replica reads and the timers it sets, passed
// in, so the ordering and timeout logic runs on a test's clock as well as on
// the machine's (test/fixtures/manual-clock.ts).
export interface QuorumClock {
  /** ms since the Unix epoch on this replica's clock. */
  now(): number;
  /** Calls `fn` after `ms`; returns the function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: QuorumClock = harden({
  now: () => Date.now(),
  after(ms: number, fn: () => void) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
});
