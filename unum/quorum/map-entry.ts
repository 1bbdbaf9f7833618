// unum/quorum/map-entry.ts: the value under a key, made and set first if absent.
export const entryOf = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
};
harden(entryOf);
