// unum/limits.ts: the unum layer's bounds, named and defaulted in one place.

export const DEFAULT_UNUM_LIMITS = harden({
  /** Members a room admits unless its capacity says otherwise. */
  capacity: 64,
  /** How long the host waits for a member whose session broke before it counts as gone. */
  graceMs: 15_000,
  /** How long the host waits on one member while introducing a newcomer, and on each step of a join. */
  introductionTimeoutMs: 5_000,
  /** Joins in progress at once (each caller has at most one); more are refused with `[busy]`. */
  maxPendingJoins: 256,
  /** Lifetime of the inbox gifts members exchange; a peer may re-redeem one after a break. */
  inboxGiftTtlMs: 24 * 60 * 60_000,
  /** How long a critical request waits for an unreachable host. */
  hostWaitMs: 30_000,
  /** Reconnection backoff to the host and to peers: from… */
  minBackoffMs: 250,
  /** …doubling up to. */
  maxBackoffMs: 5_000,
});
export type UnumLimits = { -readonly [K in keyof typeof DEFAULT_UNUM_LIMITS]: number };
