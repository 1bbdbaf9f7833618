// vat/failure-budget.ts: token buckets for failed lookups, so a peer guessing
// swissnums or gift ids gets a handful of tries and then waits. Successful
// lookups cost nothing. One bucket per authenticated VatId (reconnecting does
// not refill it) and one for the whole vat, because a new VatId costs an
// attacker nothing: the vat-wide bucket bounds the guessing rate however many
// identities it comes from. At most `maxTracked` peers are tracked.
import { short, type VatId } from '../captp-transport/index.js';
import { makeTokenBuckets } from './token-bucket.js';

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
  {
    vatBurst = burst * 10,
    vatRefillMs = refillMs / 10,
    maxTracked = 10_000,
    now = () => Date.now(),
  } = {},
): FailureBudget => {
  const perPeer = makeTokenBuckets({ burst, refillMs, maxTracked, now });
  const vatWide = makeTokenBuckets({ burst: vatBurst, refillMs: vatRefillMs, now });
  const refuse = (waitMs: number, from: string): never => {
    throw Error(
      `[rate-limited] too many failed lookups ${from}; retry in ${Math.ceil(waitMs / 1000)} s`,
    );
  };
  return harden({
    check(peer: VatId) {
      if (perPeer.tokens(peer) < 1) refuse(perPeer.waitMs(peer), `from vat ${short(peer)}`);
      if (vatWide.tokens(VAT_WIDE) < 1) refuse(vatWide.waitMs(VAT_WIDE), 'from all peers together');
    },
    spend(peer: VatId) {
      perPeer.spend(peer);
      vatWide.spend(VAT_WIDE);
    },
  });
};
harden(makeFailureBudget);
