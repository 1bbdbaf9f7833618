// presence/limits.ts: the presence layer's bounds, named and defaulted in one place.

export const DEFAULT_PRESENCE_LIMITS = harden({
  /** Longest content (a chat line, an app message), in characters. */
  maxContentChars: 4096,
  /** Cross-author heads carried by one envelope (the most recently active authors). */
  maxHeads: 8,
  /** The window keeps at least this many envelopes per room… */
  windowEnvelopes: 200,
  /** …and everything younger than this, whichever is more… */
  windowMs: 30 * 60_000,
  /** …but never more than this many. */
  windowHardCap: 5_000,
  /** Out-of-order envelopes held per author while a gap is filled. */
  maxHeldPerAuthor: 256,
  /** How long a held envelope waits for its gap before the hold is given up. */
  holdMs: 5_000,
  /** Envelopes queued for one peer before the oldest are dropped (it catches up from windows). */
  maxQueuePerPeer: 512,
  /** Deliveries sent to one peer and not yet acknowledged, at most. */
  maxInFlightPerPeer: 4,
  /**
   * A delivery is acknowledged on the next one back, or alone after this
   * long; a peer that has not acknowledged within twice this is asked.
   */
  ackDelayMs: 1_000,
  /** Envelopes per delivery call. */
  maxBatch: 64,
  /**
   * Encoded bytes per delivery call and per history or recent reply, at most
   * (one larger envelope still goes alone): well under the transport's 1 MiB
   * frame limit, so a batch of long lines is never refused for its size.
   */
  maxBatchBytes: 256 * 1024,
  /** How far an envelope's time may be from ours, live. */
  maxClockSkewMs: 5 * 60_000,
  /** Live state (positions, live values) is coalesced to at most one update per peer per this period… */
  positionIntervalMs: 100,
  /** …and, in a spatial room, to one per this period for a peer outside the aura. */
  farIntervalMs: 1_000,
});
export type PresenceLimits = { -readonly [K in keyof typeof DEFAULT_PRESENCE_LIMITS]: number };
