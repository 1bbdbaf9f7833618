// presence/wire-size.ts: how many bytes an envelope takes inside a CapTP frame,
// so batches and replies are cut by what the frame limit counts (UTF-8 bytes)
// rather than by envelope count alone. A wire is JSON-escaped twice on its way
// out (marshal's body, then the frame), so a line of quotes or control
// characters takes several times its length.
import type { WireEnvelope } from './envelope.js';
import type { DeliveryItem } from './inbox.js';

/** Room for marshal's per-string prefixes and the record's punctuation. */
const PER_ENVELOPE_SLACK = 32;

/** The bytes `item` adds to a frame that carries it, rounded up. */
export const encodedSize = (item: DeliveryItem): number =>
  Buffer.byteLength(JSON.stringify(JSON.stringify(item)), 'utf8') + PER_ENVELOPE_SLACK;
harden(encodedSize);

/**
 * How many of `sizes`, from the start, fit in `maxBytes` and `maxCount`: at
 * least one, so an envelope larger than the budget still goes alone.
 */
export const countWithin = (sizes: readonly number[], maxBytes: number, maxCount: number) => {
  let total = 0;
  let n = 0;
  while (n < sizes.length && n < maxCount) {
    total += sizes[n]!;
    if (n > 0 && total > maxBytes) break;
    n += 1;
  }
  return n;
};
harden(countWithin);

/** The newest (last) envelopes of `wires` whose encoding fits in `maxBytes`, at least one. */
export const newestWithin = (wires: readonly WireEnvelope[], maxBytes: number) => {
  const sizes = wires.map(encodedSize).reverse();
  return wires.slice(wires.length - countWithin(sizes, maxBytes, wires.length));
};

/** The oldest (first) envelopes of `wires` whose encoding fits in `maxBytes`, at least one. */
export const oldestWithin = (wires: readonly WireEnvelope[], maxBytes: number) =>
  wires.slice(0, countWithin(wires.map(encodedSize), maxBytes, wires.length));
harden(newestWithin);
harden(oldestWithin);
