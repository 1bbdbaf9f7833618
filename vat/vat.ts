// vat/vat.ts: one vat per process: its identity, store, export and gift tables
// and its transport, behind the small API apps use (`startVat`).
//
// Callers must have run lockdown() first (import '@endo/init' or 'stoa').
// A `port` of 0 asks for the port this vat had last time, when it is free,
// so sturdy refs minted before a restart keep working; otherwise any port.
import { createPrivateKey, sign } from 'node:crypto';
import { E, type ERef } from '@endo/far';
import { passStyleOf } from '@endo/pass-style';
import {
  checkVatId,
  errorSentence,
  short,
  startTransport,
  formatAddress,
  parseAddress,
  MAX_ADDRESSES,
  type PeerAddress,
  type RelayLimits,
  type RelayStats,
  type ReservationStatus,
  type FrameEvent,
  type PeerSession,
  type SessionStats,
  type Transport,
  type TransportLimits,
  type VatId,
} from '../captp-transport/index.js';
import { makeExportTable } from './export-table.js';
import { makeFailureBudget } from './failure-budget.js';
import { makeGateway, type Gateway } from './gateway.js';
import { makeGiftTable } from './gift-table.js';
import { lockDataDir } from './data-dir-lock.js';
import { loadOrCreateIdentity } from './identity.js';
import { DEFAULT_VAT_LIMITS, type VatLimits } from './limits.js';
import { openStore, type VatStore } from './store.js';
import type { Tables, TablesOptions } from './tables.js';
import { formatRef, parseRef, type ParsedRef } from './sturdy-ref.js';

export interface VatOptions {
  /** Folder for the identity and the store; created if missing. */
  dataDir: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on; 0 (the default) reuses last run's port when free. */
  port?: number;
  /** Host name peers should dial, when `host` is a wildcard such as 0.0.0.0. */
  advertiseHost?: string;
  /** Relay for vats that cannot be dialed (true, or the relay's limits): docs/protocol.md §2.8. */
  relay?: boolean | Partial<RelayLimits>;
  /**
   * Relays (`host:port`) to hold reservations at, for a vat behind NAT: its
   * references then name them after its own address, and peers that cannot
   * dial it directly reach it through them.
   */
  relays?: readonly string[];
  /** Whether a dial through a relay also tries a direct path to a vat behind NAT (hole punching); default true. */
  holePunching?: boolean;
  limits?: Partial<TransportLimits & VatLimits>;
  /** Observes every CapTP frame in and out (diagnostics, tests). */
  onFrame?: (event: FrameEvent) => void;
}

export interface VatStats {
  sessions: number;
  exports: number;
  gifts: number;
  peers: SessionStats[];
  /** Each relay in `relays` and whether this vat holds its reservation there. */
  reservations: ReservationStatus[];
  /** What the relay service did, when the vat relays. */
  relay?: RelayStats;
}

export interface Vat {
  /** This vat's VatId: the base32 Ed25519 public key. */
  readonly id: VatId;
  /** `host:port` peers reach this vat at directly. */
  readonly address: string;
  /** Every address its references name, in the order peers try them: `address`, then `relay:host:port` per relay. */
  readonly addresses: readonly string[];
  /** Exports a far object (Far or exo) and returns its sturdy ref. A name makes the ref survive restarts. */
  export(target: object, opts?: { name?: string }): string;
  /**
   * Exports a maker of per-peer facets: each vat that fetches the sturdy ref
   * gets `make(itsVatId)` (made once per peer), so the facet knows for certain
   * who holds it. This is how a room's join facet learns the joiner's identity.
   */
  exportPerPeer(make: (peer: VatId) => object, opts?: { name?: string }): string;
  /** Signs `message` with this vat's Ed25519 key (callers add their own domain prefix). */
  sign(message: Uint8Array): Uint8Array;
  /** The folder holding this vat's identity and store. */
  readonly dataDir: string;
  /**
   * `owner`'s own tables in the vat's store (e.g. `presence.window`), after
   * its numbered migrations ran: SQL steps, the first creating the tables,
   * each later one changing them. See vat/tables.ts.
   */
  tables(owner: string, migrations: readonly string[], opts?: TablesOptions): Tables;
  /**
   * Withdraws an export made by `export` (later fetches of its sturdy ref
   * fail) or a gift made by `giftFor` (later redeems fail, and the vat stops
   * holding its target). False if there was none.
   */
  revoke(ref: string): boolean;
  /** Connects to the ref's vat (or reuses the session), checks its key, and returns the far reference. A ref to this vat's own export returns the object itself. */
  fetch<T = unknown>(sturdyRef: string): Promise<ERef<T>>;
  /** Mints a gift URI for `target` that only `recipient` can redeem, until `ttlMs` passes. */
  giftFor(target: object, recipient: VatId, opts?: { ttlMs?: number }): string;
  /** Redeems a gift minted for this vat, directly from the vat that holds the object. */
  redeem<T = unknown>(giftUri: string): Promise<ERef<T>>;
  /**
   * Calls `watcher` once when the session behind `ref` ends (at once if it has).
   * `ref` must come from this vat's fetch or redeem. Old references stay
   * broken; fetch the sturdy ref again for a fresh one.
   */
  onBroken(ref: unknown, watcher: (reason: Error) => void): void;
  /**
   * Calls `watcher` once when the current session with `peer` ends (at once if
   * there is none; never for this vat itself). For references that arrived as
   * arguments or results, whose session is the one with the vat that sent them.
   * Returns a function that stops watching (call it when the watcher's work is
   * replaced: sessions live long, and watchers would pile up in them).
   */
  onPeerBroken(peer: VatId, watcher: (reason: Error) => void): () => void;
  /** Counts of sessions, exports and gifts, and bytes sent and received per peer. */
  stats(): VatStats;
  /** Ends every session and closes the listener and the store. Idempotent. */
  close(): Promise<void>;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The `relays` option as relay addresses, or [bad-option]. */
const relayAddresses = (relays: readonly string[] = []): PeerAddress[] => {
  if (!Array.isArray(relays) || relays.length > MAX_ADDRESSES - 1)
    throw Error(
      `[bad-option] relays is a list of at most ${MAX_ADDRESSES - 1} host:port addresses`,
    );
  return relays.map(text => {
    try {
      const { host, port } = parseAddress(String(text).replace(/^relay:/, ''));
      return harden({ via: 'relay' as const, host, port });
    } catch (error) {
      throw Error(`[bad-option] relay ${String(text).slice(0, 80)}: ${errorSentence(error)}`);
    }
  });
};

export const startVat = async (opts: VatOptions): Promise<Vat> => {
  const { dataDir, host = '127.0.0.1', port = 0, advertiseHost, onFrame } = opts;
  const relays = relayAddresses(opts.relays);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw Error(`[bad-option] port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (WILDCARDS.has(host) && !advertiseHost) {
    throw Error(
      `[bad-option] listening on ${host || 'all interfaces'} needs advertiseHost: the address peers dial`,
    );
  }
  const limits = { ...DEFAULT_VAT_LIMITS, ...opts.limits };
  const { credentials } = loadOrCreateIdentity(dataDir);
  const self = credentials.vatId;
  const privateKey = createPrivateKey(credentials.keyPem);
  const unlock = lockDataDir(dataDir);
  let store: VatStore;
  try {
    store = openStore(dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  const exports = makeExportTable(store);
  const gifts = makeGiftTable(limits.maxGifts);
  const failures = makeFailureBudget(limits.failedLookupBurst, limits.failedLookupRefillMs);
  const { failedLookupBurst, failedLookupRefillMs, giftTtlMs, maxGifts, ...transportLimits } =
    limits;

  const startOn = (p: number) =>
    startTransport({
      credentials,
      host,
      port: p,
      limits: transportLimits,
      onFrame,
      makeGateway: peer => makeGateway({ self, peer, exports, gifts, failures }),
      relay: opts.relay === true ? {} : opts.relay || undefined,
      relays,
      holePunching: opts.holePunching,
    });
  let transport: Transport;
  let keepPort = true;
  try {
    const lastPort = Number(store.setting('port') ?? 0);
    transport = await (port === 0 && lastPort > 0
      ? startOn(lastPort).catch(() => {
          keepPort = false; // taken for now: keep hoping for it next time
          return startOn(0);
        })
      : startOn(port));
  } catch (error) {
    store.close();
    unlock();
    throw error;
  }
  if (keepPort) store.setSetting('port', String(transport.port));
  const direct: PeerAddress = { via: 'direct', host: advertiseHost ?? host, port: transport.port };
  const refAddresses = harden([direct, ...relays]);
  const address = formatAddress(direct);
  const sessionOf = new WeakMap<object, PeerSession>();
  /** Our own objects handed back by fetch/redeem: they never break. */
  const local = new WeakSet<object>();
  let closed: Promise<void> | undefined;

  const refTo = (kind: ParsedRef['kind'], secret: string) =>
    formatRef({ kind, vatId: self, addresses: refAddresses, secret });

  const assertFar = (target: object, what: string) => {
    let style: string;
    try {
      style = passStyleOf(target as never);
    } catch {
      style = 'non-passable object';
    }
    if (style !== 'remotable') {
      throw Error(
        `[not-far] ${what} needs a far object (made with Far or makeExo), got a ${style}`,
      );
    }
  };

  const checkExportName = (name: unknown) => {
    if (
      name !== undefined &&
      (typeof name !== 'string' || name.length === 0 || name.length > 200)
    ) {
      throw Error('[bad-option] an export name must be a string of 1 to 200 characters');
    }
  };

  const obtain = async <T>(ref: ParsedRef, method: 'fetch' | 'redeem'): Promise<ERef<T>> => {
    if (closed) throw Error(`[closed] vat ${short(self)} is closed`);
    if (ref.vatId === self) {
      // Our own reference: the object itself, no network (E() works on it the same).
      const found =
        method === 'fetch' ? exports.lookup(ref.secret, self) : gifts.claim(ref.secret, self);
      if (found === undefined)
        throw Error(
          `[unknown-${method === 'fetch' ? 'ref' : 'gift'}] vat ${short(self)} has no such ${method === 'fetch' ? 'export' : 'gift'} of its own`,
        );
      local.add(found);
      return found as ERef<T>;
    }
    const session = await transport.connect(ref.vatId, ref.addresses);
    const gateway = (await session.getBootstrap()) as ERef<Gateway>;
    const target = (await E(gateway)[method](ref.secret)) as object;
    sessionOf.set(target, session);
    return target as ERef<T>;
  };

  const vat: Vat = {
    id: self,
    address,
    addresses: harden(refAddresses.map(formatAddress)),
    dataDir,
    export(target, exportOpts = {}) {
      assertFar(target, 'vat.export');
      const { name } = exportOpts;
      checkExportName(name);
      return refTo('s', exports.add({ target }, name));
    },
    exportPerPeer(make, exportOpts = {}) {
      if (typeof make !== 'function')
        throw Error('[not-far] vat.exportPerPeer needs a function (peer) => far object');
      const { name } = exportOpts;
      checkExportName(name);
      const checked = (peer: VatId) => {
        const facet = make(peer);
        assertFar(facet, 'the facet maker given to vat.exportPerPeer');
        return facet;
      };
      return refTo('s', exports.add({ make: checked }, name));
    },
    sign: (message: Uint8Array) => sign(null, message, privateKey),
    tables: (owner, migrations, tablesOpts) => store.tables(owner, migrations, tablesOpts),
    revoke(uri) {
      const ref = parseRef(uri);
      if (ref.vatId !== self)
        throw Error(
          `[bad-ref] that reference belongs to vat ${short(ref.vatId)}, not to vat ${short(self)}`,
        );
      return ref.kind === 's' ? exports.remove(ref.secret) : gifts.revoke(ref.secret);
    },
    fetch: <T>(sturdyRef: string) => obtain<T>(parseRef(sturdyRef, 's'), 'fetch'),
    giftFor(target, recipient, giftOpts = {}) {
      assertFar(target, 'vat.giftFor');
      checkVatId(recipient);
      const ttlMs = giftOpts.ttlMs ?? giftTtlMs;
      if (!Number.isFinite(ttlMs) || ttlMs <= 0)
        throw Error(`[bad-option] ttlMs must be a positive number, got ${String(ttlMs)}`);
      return refTo('g', gifts.mint(target, recipient, ttlMs));
    },
    redeem: <T>(giftUri: string) => obtain<T>(parseRef(giftUri, 'g'), 'redeem'),
    onBroken(ref, watcher) {
      if (typeof ref === 'object' && ref !== null && local.has(ref)) return;
      const session = typeof ref === 'object' && ref !== null ? sessionOf.get(ref) : undefined;
      if (!session) {
        throw Error(
          '[unknown-ref] onBroken needs a reference obtained from this vat’s fetch or redeem',
        );
      }
      session.onBroken(watcher);
    },
    onPeerBroken(peer, watcher) {
      if (peer === self) return () => {}; // our own objects need no session: it never breaks
      const session = transport.sessions().find(s => s.peer === peer);
      if (session) return session.onBroken(watcher);
      queueMicrotask(() =>
        watcher(
          Error(`[connection-lost] vat ${short(self)} has no session with vat ${short(peer)}`),
        ),
      );
      return () => {};
    },
    stats: () => {
      const relayStats = transport.relayStats();
      return harden({
        sessions: transport.sessions().length,
        exports: exports.size(),
        gifts: gifts.size(),
        peers: transport.sessions().map(s => s.stats()),
        reservations: transport.reservations(),
        ...(relayStats ? { relay: relayStats } : {}),
      });
    },
    close() {
      closed ??= transport.close().finally(() => {
        store.close();
        unlock();
      });
      return closed;
    },
  };
  return harden(vat);
};
harden(startVat);
