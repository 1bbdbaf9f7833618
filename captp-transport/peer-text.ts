// captp-transport/peer-text.ts: a peer's value as it may appear in an error
// message. String(x) runs the peer's own toString or valueOf (or throws for
// an object with neither callable), so a field of the wrong type must be
// described, never converted.
export const peerText = (value: unknown, max = 32): string => {
  if (typeof value === 'string') return value.slice(0, max);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value).slice(0, max);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
};
harden(peerText);
