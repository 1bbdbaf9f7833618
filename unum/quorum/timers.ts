// unum/quorum/timers.ts: the replicas' timers and bounds, with their defaults
// (docs/protocol.md §4.8.7).
export const DEFAULT_QUORUM_TIMERS = harden({
  /** T_timeslot: how often a replica with a request pending sends its timeslot. */
  timeslotMs: 50,
  /** How often an idle replica sends one (a heartbeat). */
  heartbeatMs: 1_000,
  /** T_timeout: how long a replica that holds up a request may stay silent before the others ask each other for its timeslot. */
  timeoutMs: 400,
  /** T_req_timeout: how long that timeslot request waits before the silent replica is ignored. */
  requestTimeoutMs: 400,
  /** T_ignore: how long a silent replica is then not waited for. */
  ignoreMs: 30_000,
  /** A request whose quorum time is further than this from its own time stamp is refused (`[stale-request]`): old signed requests cannot be replayed. */
  maxRequestAgeMs: 5 * 60_000,
  /** Requests a replica holds undecided at once; more are refused with `[busy]`. */
  maxPending: 1_024,
});
export type QuorumTimers = { -readonly [K in keyof typeof DEFAULT_QUORUM_TIMERS]: number };
