// vat/failure-budget.ts: token buckets for failed lookups, so a peer guessing
// swissnums or gift ids gets a handful of tries and then waits. Successful
// lookups cost nothing. One bucket per authenticated VatId (reconnecting does
// not refill it) and one for the whole vat, because a new VatId costs an
// attacker nothing: the vat-wide bucket bounds the guessing rate however many
// identities it comes from. At most `maxTracked` peers are tracked.
import { short, type VatId } from '../captp-transport/index.js';

export interface FailureBudget {
  /** Throws `[rate-limited]` if `peer` has no failures left to spend. */
  check(peer: VatId): void;
  /** Spends one failure for `peer`. */
  spend(peer: VatId): void;
}

const VAT_WIDE = '*';

export const makeFailureBudget = (
  burst: number,
  refillMs: number,
  { vatBurst = burst * 10, vatRefillMs = refillMs / 10, maxTracked = 10_000, now = () => Date.now() } = {},
): FailureBudget => {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const level = (peer: string) => {
    const [full, every] = peer === VAT_WIDE ? [vatBurst, vatRefillMs] : [burst, refillMs];
    const bucket = buckets.get(peer) ?? { tokens: full, at: now() };
    const t = now();
    bucket.tokens = Math.min(full, bucket.tokens + (t - bucket.at) / every);
    bucket.at = t;
    if (bucket.tokens >= full) buckets.delete(peer);
    else buckets.set(peer, bucket);
    return { bucket, every };
  };
  return harden({
    check(peer: VatId) {
      for (const who of [peer, VAT_WIDE]) {
        const { bucket, every } = level(who);
        if (bucket.tokens < 1) {
          const waitS = Math.ceil(((1 - bucket.tokens) * every) / 1000);
          const from = who === VAT_WIDE ? 'from all peers together' : `from vat ${short(peer)}`;
          throw Error(`[rate-limited] too many failed lookups ${from}; retry in ${waitS} s`);
        }
      }
    },
    spend(peer: VatId) {
      for (const who of [peer, VAT_WIDE]) {
        const { bucket } = level(who);
        bucket.tokens -= 1;
        buckets.delete(who); // re-insert: the map's order is least recently spent first
        buckets.set(who, bucket);
      }
      for (const oldest of buckets.keys()) {
        if (buckets.size <= maxTracked) break;
        if (oldest !== VAT_WIDE) buckets.delete(oldest);
      }
    },
  });
};
harden(makeFailureBudget);
