// vat/token-bucket.ts: token buckets by key (a caller's VatId, say): each key
// holds up to `burst` tokens and earns one back every `refillMs`. A full
// bucket is forgotten (it is the default), so only keys that spent something
// are tracked, at most `maxTracked` of them (least recently spent dropped
// first). With `keep`, levels are also written through to a store, so a
// restart does not refill them.

export interface BucketLevel {
  tokens: number;
  /** When `tokens` was last computed (ms since the epoch). */
  at: number;
}

/** Where levels outlive the process (a layer's tables); absent keys are full. */
export interface BucketKeeper {
  load(key: string): BucketLevel | undefined;
  save(key: string, level: BucketLevel): void;
  drop(key: string): void;
}

export interface TokenBuckets {
  /** The tokens `key` has now. */
  tokens(key: string): number;
  /** Ms until `key` has a whole token again (0 if it has one). */
  waitMs(key: string): number;
  /** Spends one token of `key` (it may go below zero, as a debt). */
  spend(key: string): void;
  /** Spends one token if `key` has one; else leaves it and returns false. */
  take(key: string): boolean;
}

export interface TokenBucketOptions {
  burst: number;
  refillMs: number;
  maxTracked?: number;
  now?: () => number;
  keep?: BucketKeeper;
}

export const makeTokenBuckets = ({
  burst,
  refillMs,
  maxTracked = 10_000,
  now = () => Date.now(),
  keep,
}: TokenBucketOptions): TokenBuckets => {
  const levels = new Map<string, BucketLevel>();
  const current = (key: string): BucketLevel => {
    const t = now();
    const known = levels.get(key) ?? keep?.load(key) ?? { tokens: burst, at: t };
    return { tokens: Math.min(burst, known.tokens + Math.max(0, t - known.at) / refillMs), at: t };
  };
  const store = (key: string, level: BucketLevel) => {
    levels.delete(key); // re-insert: the map's order is least recently spent first
    if (level.tokens >= burst) {
      keep?.drop(key);
      return;
    }
    levels.set(key, level);
    keep?.save(key, level);
    for (const oldest of levels.keys()) {
      if (levels.size <= maxTracked) break;
      levels.delete(oldest);
    }
  };
  const buckets: TokenBuckets = {
    tokens: key => current(key).tokens,
    waitMs: key => Math.max(0, Math.ceil((1 - current(key).tokens) * refillMs)),
    spend(key) {
      const level = current(key);
      store(key, { tokens: level.tokens - 1, at: level.at });
    },
    take(key) {
      if (current(key).tokens < 1) return false;
      buckets.spend(key);
      return true;
    },
  };
  return harden(buckets);
};
harden(makeTokenBuckets);
