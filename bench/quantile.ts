// bench/quantile.ts: the q-quantile (nearest rank, no interpolation) that every
// bench and the soak print, so their p50 and p99 mean the same thing.
export const quantile = (xs: readonly number[], q: number): number =>
  xs.length
    ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!
    : Number.NaN;
