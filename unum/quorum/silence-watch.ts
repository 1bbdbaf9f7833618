// unum/quorum/silence-watch.ts: delays and halts (docs/protocol.md §4.8.4). A
// replica that holds up a ready-to-order request and has sent no time stamp
// for T_timeout is asked for: the other replicas are asked for its timeslots
// (one may have what this one missed). If none comes within T_req_timeout it
// is ignored, not waited for, for T_ignore.
import type { VatId } from '../../captp-transport/index.js';
import type { QuorumClock } from './clock.js';
import type { QuorumTimers } from './timers.js';

export interface SilenceWatch {
  /** Called with the replicas the first waiting request waits for; asks and ignores as due. */
  check(waiting: readonly VatId[], stampOf: (replica: VatId) => number): void;
  /** Replicas ignored now. */
  ignored(): ReadonlySet<VatId>;
}

export const makeSilenceWatch = (opts: {
  clock: QuorumClock;
  timers: Pick<QuorumTimers, 'timeoutMs' | 'requestTimeoutMs' | 'ignoreMs'>;
  /** Asks the other replicas for `replica`'s timeslots after the last one taken. */
  askFor(replica: VatId): void;
  onIgnored(replica: VatId, until: number): void;
}): SilenceWatch => {
  const { clock, timers } = opts;
  /** When each replica was first seen holding up a request (local clock). */
  const blockedAt = new Map<VatId, number>();
  const asked = new Set<VatId>();
  const ignoredUntil = new Map<VatId, number>();
  return harden({
    check(waiting: readonly VatId[], stampOf: (replica: VatId) => number) {
      const now = clock.now();
      for (const replica of blockedAt.keys())
        if (!waiting.includes(replica)) {
          blockedAt.delete(replica);
          asked.delete(replica);
        }
      for (const replica of waiting) {
        if (!blockedAt.has(replica)) blockedAt.set(replica, now);
        const since = Math.max(blockedAt.get(replica)!, stampOf(replica));
        if (now - since >= timers.timeoutMs + timers.requestTimeoutMs) {
          const until = now + timers.ignoreMs;
          ignoredUntil.set(replica, until);
          blockedAt.delete(replica);
          asked.delete(replica);
          opts.onIgnored(replica, until);
        } else if (now - since >= timers.timeoutMs && !asked.has(replica)) {
          asked.add(replica);
          opts.askFor(replica);
        }
      }
    },
    ignored() {
      const now = clock.now();
      for (const [replica, until] of ignoredUntil) if (until <= now) ignoredUntil.delete(replica);
      return new Set(ignoredUntil.keys());
    },
  });
};
harden(makeSilenceWatch);
