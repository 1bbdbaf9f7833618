// captp-transport/limits.ts: every bound the transport enforces, named and
// defaulted in one place; a refusal quotes the number it hit.

export const DEFAULT_LIMITS = harden({
  /** Largest WebSocket message (one CapTP frame) accepted, in bytes. ws defaults to 100 MiB. */
  maxFrameBytes: 1 << 20,
  /** How often a ping goes out; a peer silent for two periods is declared gone. */
  heartbeatMs: 15_000,
  /** Answers a peer may have us hold at once (calls not yet answered, or answered and not yet dropped). */
  maxQuestionsInFlight: 10_000,
  /** References from a peer we may hold at once on one session (imports we drop do not count). */
  maxImportsPerSession: 20_000,
  /** Sessions a vat keeps at once; more inbound connections are refused (503). */
  maxSessions: 1_000,
  /** How long a dial (TCP + TLS + upgrade) may take. */
  dialTimeoutMs: 10_000,
  /** Bytes queued unsent to a peer before its session is aborted as stalled. */
  maxBufferedBytes: 32 << 20,
  /** How long an inbound connection may take from TCP to an authenticated WebSocket upgrade. */
  handshakeTimeoutMs: 10_000,
  /** Inbound connections not yet authenticated, per remote address (many honest vats share a NAT)… */
  maxHandshakesPerAddress: 128,
  /** …and in all; more are closed at once. */
  maxHandshakes: 512,
  /** A session that has exchanged no references and carried no call for this long is closed. */
  idleSessionMs: 5 * 60_000,
});
export type TransportLimits = {
  -readonly [K in keyof typeof DEFAULT_LIMITS]: number;
};

/** Every limit must be a positive integer: a typo or a zero would disable a bound unnoticed. */
const positiveIntegers = <T extends Record<string, number>>(
  what: string,
  limits: T,
): Readonly<T> => {
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw TypeError(`${what} ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  return harden(limits);
};

export const resolveLimits = (
  overrides: Partial<TransportLimits> = {},
): Readonly<TransportLimits> =>
  positiveIntegers('transport limit', { ...DEFAULT_LIMITS, ...overrides });
harden(resolveLimits);

/** What a relay gives (docs/protocol.md §2.8); beyond these it refuses with a named code. */
export const DEFAULT_RELAY_LIMITS = harden({
  /** Vats that may hold a reservation at once (`relay-full`). */
  maxReservations: 1_024,
  /** Circuits open at once to one reserved vat (`relay-busy`)… */
  maxCircuitsPerVat: 64,
  /** …from one dialing vat (`relay-busy`)… */
  maxCircuitsPerDialer: 16,
  /** …and in all (`relay-busy`). */
  maxCircuits: 4_096,
  /** Bytes one circuit may carry, both ways together; then it is closed. */
  circuitMaxBytes: 1 << 30,
  /** How long one circuit may stay open; then it is closed. */
  circuitMaxMs: 24 * 3_600_000,
  /** Bytes per second the relay forwards in all; faster senders are slowed, not cut. */
  bytesPerSecond: 32 << 20,
  /** How long a reserved vat may take to accept a circuit (`relay-timeout`). */
  acceptTimeoutMs: 10_000,
  /** How often the relay pings a reserved vat; a vat hearing nothing for 2.5 periods redials. */
  pingMs: 15_000,
});
export type RelayLimits = {
  -readonly [K in keyof typeof DEFAULT_RELAY_LIMITS]: number;
};

export const resolveRelayLimits = (overrides: Partial<RelayLimits> = {}): Readonly<RelayLimits> =>
  positiveIntegers('relay limit', { ...DEFAULT_RELAY_LIMITS, ...overrides });
harden(resolveRelayLimits);
