// moderation/log-growth.ts: lets a far caller wait for the log to grow, so a
// dashboard or a reporter is told of a new entry instead of asking again and
// again. A wait is bounded: it resolves with the size as it is when the time
// runs out, and the caller asks again.
export interface LogGrowth {
  /** Called after each append. */
  grew(size: number): void;
  /** Resolves with the log's size once it exceeds `size`, or after `waitMs`. */
  after(size: number, waitMs: number): Promise<number>;
}

/** At most this long per wait: a held call must not outlive a dead session for long. */
export const MAX_WAIT_MS = 60_000;

export const makeLogGrowth = (sizeNow: () => number): LogGrowth => {
  const waiting = new Set<{ size: number; wake(size: number): void }>();
  return harden({
    grew(size) {
      for (const w of [...waiting]) if (size > w.size) w.wake(size);
    },
    after(size, waitMs) {
      if (sizeNow() > size || !(waitMs > 0)) return Promise.resolve(sizeNow());
      return new Promise<number>(resolve => {
        const w = {
          size,
          wake: (now: number) => {
            clearTimeout(timer);
            waiting.delete(w);
            resolve(now);
          },
        };
        const timer = setTimeout(() => w.wake(sizeNow()), Math.min(waitMs, MAX_WAIT_MS));
        timer.unref();
        waiting.add(w);
      });
    },
  });
};
harden(makeLogGrowth);
