// moderation/token-bucket.ts: a report facet's flood limit.
export const makeTokenBucket = (burst: number, refillMs: number, now = () => Date.now()) => {
  let tokens = burst;
  let at = now();
  return harden({
    /** Takes a token, or throws `[rate-limited]` saying when one will be back. */
    take(what: string) {
      const t = now();
      tokens = Math.min(burst, tokens + (t - at) / refillMs);
      at = t;
      if (tokens < 1) throw Error(`[rate-limited] too many ${what}; the next is accepted in ${Math.ceil(((1 - tokens) * refillMs) / 1000)} s`);
      tokens -= 1;
    },
  });
};
harden(makeTokenBucket);
