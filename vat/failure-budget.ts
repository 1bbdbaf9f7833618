// vat/failure-budget.ts: a token bucket per peer for failed lookups, so a peer
// guessing swissnums or gift ids gets a handful of tries and then waits.
// Successful lookups cost nothing. Keyed by authenticated VatId, not by
// connection, so reconnecting does not refill the bucket.
import { short, type VatId } from '../captp-transport/index.js';

export interface FailureBudget {
  /** Throws `[rate-limited]` if `peer` has no failures left to spend. */
  check(peer: VatId): void;
  /** Spends one failure for `peer`. */
  spend(peer: VatId): void;
}

export const makeFailureBudget = (burst: number, refillMs: number, now = () => Date.now()): FailureBudget => {
  const buckets = new Map<VatId, { tokens: number; at: number }>();
  const level = (peer: VatId) => {
    const bucket = buckets.get(peer) ?? { tokens: burst, at: now() };
    const t = now();
    bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.at) / refillMs);
    bucket.at = t;
    if (bucket.tokens >= burst) buckets.delete(peer);
    else buckets.set(peer, bucket);
    return bucket;
  };
  return harden({
    check(peer: VatId) {
      const bucket = level(peer);
      if (bucket.tokens < 1) {
        const waitS = Math.ceil(((1 - bucket.tokens) * refillMs) / 1000);
        throw Error(`[rate-limited] too many failed lookups from vat ${short(peer)}; retry in ${waitS} s`);
      }
    },
    spend(peer: VatId) {
      const bucket = level(peer);
      bucket.tokens -= 1;
      buckets.set(peer, bucket);
    },
  });
};
harden(makeFailureBudget);
