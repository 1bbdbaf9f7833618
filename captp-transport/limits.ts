// captp-transport/limits.ts: every bound the transport enforces, named and
// defaulted in one place; a refusal quotes the number it hit.

export const DEFAULT_LIMITS = harden({
  /** Largest WebSocket message (one CapTP frame) accepted, in bytes. ws defaults to 100 MiB. */
  maxFrameBytes: 1 << 20,
  /** How often a ping goes out; a peer silent for two periods is declared gone. */
  heartbeatMs: 15_000,
  /** Calls a peer may have waiting on us at once before its session is aborted. */
  maxQuestionsInFlight: 10_000,
  /** How long a dial (TCP + TLS + upgrade) may take. */
  dialTimeoutMs: 10_000,
  /** Bytes queued unsent to a peer before its session is aborted as stalled. */
  maxBufferedBytes: 32 << 20,
});
export type TransportLimits = {
  -readonly [K in keyof typeof DEFAULT_LIMITS]: number;
};

export const resolveLimits = (overrides: Partial<TransportLimits> = {}): Readonly<TransportLimits> => {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw TypeError(`transport limit ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  return harden(limits);
};
harden(resolveLimits);
