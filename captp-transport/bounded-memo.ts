// captp-transport/bounded-memo.ts: a function's results kept for the keys
// that recur (vat ids, keys, references: a room names the same few hundred
// again and again), at most `limit` of them, the oldest forgotten first, so
// a peer that sends endless new ones costs memory it cannot grow. A result
// that throws is not kept.
export const boundedMemo = <K, V>(limit: number, compute: (key: K) => V): ((key: K) => V) => {
  const kept = new Map<K, V>();
  return (key: K): V => {
    const known = kept.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    if (kept.size >= limit) kept.delete(kept.keys().next().value as K);
    kept.set(key, value);
    return value;
  };
};
harden(boundedMemo);
