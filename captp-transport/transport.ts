// captp-transport/transport.ts: a vat's sessions, at most one per peer, over
// connections in both directions.
//
// Crossed dials (both vats dial at once) end with one session, the one dialed
// by the lower VatId (docs/protocol.md §2). Each side decides at the moment an
// upgrade arrives, before any CapTP traffic, so both reach the same answer:
// - the lower vat refuses (HTTP 409) an inbound connection from a higher peer
//   while a dial of its own to that peer is connecting, or while it holds a
//   session it dialed to it (which it then probes, in case it is a dead one
//   the peer already gave up on);
// - otherwise an inbound connection is accepted and replaces any older session
//   with that peer (a peer only dials when it has no working session with us).
// A dial refused with 409 waits for the peer's own connection to arrive and
// dials once more if it does not; callers never see the crossing.
//
// Addresses come from references anyone may pass on, so dials are kept apart
// per (VatId, addresses): a bogus address for a vat does not hold up, or set
// the backoff of, dials to its real one. A vat with several addresses is
// dialed as dial-candidates.ts says; one behind NAT keeps reservations at
// relays (relay-client.ts), and a vat may relay for others (relay-server.ts).
// Reconnection is on the next use, with
// backoff (docs/protocol.md §2): after a failed dial the next one to that address
// waits 250 ms, doubling to 10 s, and the failure says so; a success resets
// it. Old references stay broken.
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import type { WebSocket } from 'ws';
import { formatAddressList, type PeerAddress } from './address.js';
import { assertCapTPPatched } from './captp-patch-check.js';
import type { Credentials } from './credentials.js';
import { dialCandidates, type Dialed } from './dial-candidates.js';
import type { DialContext } from './dialer.js';
import { debugLog } from './debug-log.js';
import { errorCode } from './error-code.js';
import {
  resolveLimits,
  resolveRelayLimits,
  type RelayLimits,
  type TransportLimits,
} from './limits.js';
import { listen, type Admission } from './listener.js';
import { keepReservation, type Reservation, type ReservationStatus } from './relay-client.js';
import { makeRelay, type RelayStats } from './relay-server.js';
import { makeSession, type FrameEvent, type PeerSession, type SessionPath } from './session.js';
import { short, type VatId } from './vat-id.js';

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

export interface TransportOptions {
  credentials: Credentials;
  host: string;
  port: number;
  limits?: Partial<TransportLimits> | undefined;
  /** Makes the bootstrap object (the gateway) for a newly authenticated peer. */
  makeGateway: (peer: VatId) => object;
  /** Observes every frame in and out (diagnostics and tests). */
  onFrame?: ((event: FrameEvent) => void) | undefined;
  /** Relay for other vats on this port, within these limits (docs/protocol.md §2.8). */
  relay?: Partial<RelayLimits> | undefined;
  /** Relays to hold reservations at, so vats that cannot dial us directly reach us through them. */
  relays?: readonly PeerAddress[] | undefined;
  /** Whether a dial through a relay also tries a direct path (hole punching, §2.8); default true. */
  holePunching?: boolean | undefined;
}

export interface Transport {
  readonly vatId: VatId;
  /** `host:port` the listener is bound to. */
  readonly address: string;
  readonly port: number;
  readonly limits: Readonly<TransportLimits>;
  /** The live session with `peer`, dialing its addresses (in order, §2.8) if there is none. */
  connect(peer: VatId, addresses: readonly PeerAddress[]): Promise<PeerSession>;
  /** Each configured relay and whether this vat holds its reservation there. */
  reservations(): ReservationStatus[];
  /** What this vat's relay service has done, if it relays. */
  relayStats(): RelayStats | undefined;
  /** Live sessions. */
  sessions(): PeerSession[];
  /** Stops listening and ends every session with `[closed]`. */
  close(): Promise<void>;
}

export const startTransport = async (opts: TransportOptions): Promise<Transport> => {
  await assertCapTPPatched();
  const { credentials, makeGateway, onFrame } = opts;
  const self = credentials.vatId;
  const limits = resolveLimits(opts.limits);
  const live = new Map<VatId, PeerSession>();
  /** Dials in progress per address, shared by concurrent connects. */
  const dialing = new Map<string, Promise<PeerSession>>();
  /** Dials to each peer that are connecting right now (not waiting out a backoff). */
  const connecting = new Map<VatId, number>();
  const arrivals = new Map<VatId, Set<(session: PeerSession) => void>>();
  const backoff = new Map<string, { waitMs: number; notBefore: number }>();
  let closing = false;

  const adopt = (ws: WebSocket, peer: VatId, dialedBy: VatId, path: SessionPath): PeerSession => {
    live.get(peer)?.abort('replaced', `a newer connection with ${short(peer)} took over`);
    const session = makeSession({
      ws,
      self,
      peer,
      dialedBy,
      path,
      bootstrap: makeGateway(peer),
      limits,
      onFrame,
    });
    live.set(peer, session);
    session.onBroken(() => {
      if (live.get(peer) === session) live.delete(peer);
    });
    for (const notify of arrivals.get(peer) ?? []) notify(session);
    arrivals.delete(peer);
    return session;
  };

  /**
   * Identities are free, so a full table must not lock newcomers out: the
   * session idle longest among those holding no references (nothing breaks
   * when it ends) makes room. False when every session holds some.
   */
  const evictOne = (): boolean => {
    let oldest: { session: PeerSession; idleMs: number } | undefined;
    for (const session of live.values()) {
      const { referencesExchanged, idleMs } = session.stats();
      if (referencesExchanged <= 0 && idleMs >= (oldest?.idleMs ?? -1))
        oldest = { session, idleMs };
    }
    oldest?.session.abort(
      'evicted',
      `the vat holds ${limits.maxSessions} sessions and this one, holding no references, made room for a new peer`,
    );
    return oldest !== undefined;
  };

  const admit = (peer: VatId): Admission => {
    if (closing) return { admit: false, status: 503, code: 'vat closing' };
    if (peer === self) return { admit: false, status: 403, code: 'self connection' };
    if (live.size >= limits.maxSessions && !live.has(peer) && !evictOne())
      return { admit: false, status: 503, code: 'too many sessions' };
    const ours = live.get(peer);
    const weDialed = (connecting.get(peer) ?? 0) > 0 || ours?.dialedBy === self;
    if (weDialed && self < peer) {
      debugLog(
        'transport',
        `crossed dial: ${short(self)} keeps its own connection to ${short(peer)}`,
      );
      ours?.probe(Math.ceil(limits.dialTimeoutMs / 2));
      return { admit: false, status: 409, code: 'duplicate' };
    }
    return { admit: true };
  };

  const relay = opts.relay ? makeRelay(resolveRelayLimits(opts.relay), self) : undefined;
  const listener = await listen({
    credentials,
    host: opts.host,
    port: opts.port,
    limits,
    admit,
    onConnection: (ws, peer) => {
      adopt(ws, peer, peer, 'inbound');
    },
    relay,
  });
  const privateKey = createPrivateKey(credentials.keyPem);
  const dialContext: DialContext = harden({
    credentials,
    limits,
    sign: (message: Uint8Array) => cryptoSign(null, message, privateKey),
    holePunching: opts.holePunching !== false,
  });
  const reservations: Reservation[] = (opts.relays ?? []).map(address =>
    keepReservation({
      relay: address,
      self,
      sign: dialContext.sign,
      timeoutMs: limits.dialTimeoutMs,
      onCircuit: socket => listener.accept(socket),
    }),
  );
  // References made right after start name the relays; give them a moment to be true.
  await Promise.all(reservations.map(r => r.settled));

  /** Resolves with the next session that arrives from `peer`, or undefined after `ms`. */
  const awaitArrival = (peer: VatId, ms: number): Promise<PeerSession | undefined> =>
    new Promise(resolve => {
      const waiters = arrivals.get(peer) ?? new Set();
      arrivals.set(peer, waiters);
      const timer = setTimeout(() => {
        waiters.delete(notify);
        resolve(undefined);
      }, ms);
      const notify = (session: PeerSession) => {
        clearTimeout(timer);
        resolve(session);
      };
      waiters.add(notify);
    });

  const dialOnce = async (peer: VatId, addresses: readonly PeerAddress[]): Promise<PeerSession> => {
    connecting.set(peer, (connecting.get(peer) ?? 0) + 1);
    let dialed: Dialed;
    try {
      dialed = await dialCandidates(dialContext, peer, addresses);
    } finally {
      connecting.set(peer, connecting.get(peer)! - 1);
    }
    if (closing) {
      dialed.ws.terminate();
      throw Error(`[closed] vat ${short(self)} is closing`);
    }
    return adopt(dialed.ws, peer, self, dialed.path);
  };

  const dialWithCrossing = async (
    peer: VatId,
    addresses: readonly PeerAddress[],
  ): Promise<PeerSession> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await dialOnce(peer, addresses);
      } catch (error) {
        if (errorCode(error) !== 'duplicate') throw error;
        debugLog('transport', `crossed dial: ${short(self)} waits for ${short(peer)}'s connection`);
        const arrived = live.get(peer) ?? (await awaitArrival(peer, limits.dialTimeoutMs));
        if (arrived) return arrived;
        if (attempt === 2)
          throw Error(
            `[unreachable] vat ${short(peer)} at ${formatAddressList(addresses)} kept a crossed connection that never arrived`,
          );
      }
    }
  };

  /** Waits out the address's backoff, dials, and adjusts the backoff by the outcome. */
  const dialWithBackoff = async (
    peer: VatId,
    addresses: readonly PeerAddress[],
    key: string,
  ): Promise<PeerSession> => {
    const last = backoff.get(key);
    const wait = last ? last.notBefore - Date.now() : 0;
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
    const already = live.get(peer);
    if (already) return already; // it came to us meanwhile
    try {
      const session = await dialWithCrossing(peer, addresses);
      backoff.delete(key);
      return session;
    } catch (error) {
      const waitMs = Math.min(MAX_BACKOFF_MS, last ? last.waitMs * 2 : MIN_BACKOFF_MS);
      backoff.set(key, { waitMs, notBefore: Date.now() + waitMs });
      throw Error(
        `${(error as Error).message} (the next dial to ${short(peer)} there waits ${waitMs} ms)`,
      );
    }
  };

  const connect = (peer: VatId, addresses: readonly PeerAddress[]): Promise<PeerSession> => {
    if (closing) return Promise.reject(Error(`[closed] vat ${short(self)} is closing`));
    const existing = live.get(peer);
    if (existing) return Promise.resolve(existing);
    if (peer === self)
      return Promise.reject(Error(`[self-connection] vat ${short(self)} cannot dial itself`));
    if (addresses.length === 0)
      return Promise.reject(Error(`[unreachable] vat ${short(peer)}: no address to dial`));
    const key = `${peer}@${formatAddressList(addresses)}`;
    const pending = dialing.get(key);
    if (pending) return pending;
    const attempt = dialWithBackoff(peer, addresses, key).finally(() => dialing.delete(key));
    dialing.set(key, attempt);
    return attempt;
  };

  return harden({
    vatId: self,
    address: listener.address,
    port: listener.port,
    limits,
    connect,
    sessions: () => [...live.values()],
    reservations: () => harden(reservations.map(r => r.status())),
    relayStats: () => relay?.stats(),
    close: async () => {
      closing = true;
      for (const reservation of reservations) reservation.close();
      for (const session of live.values()) session.abort('closed', `vat ${short(self)} is closing`);
      live.clear();
      await listener.close();
    },
  });
};
harden(startTransport);
