// presence/live-fan.ts: a presence's live state: its position and a few named
// values (a held piece, a cursor's shape) that only have to look right now, so
// they are neither signed nor chained nor kept. Each tick sends every linked
// peer what changed since it was last told, coalesced to the newest value;
// in a spatial room peers in the aura are told every tick and the others every
// `farIntervalMs` (graceful degradation rather than N² traffic). A peer linked
// late is told everything at its first tick. Chat goes first: a peer with
// envelopes queued is skipped this tick and catches up at the next.
import { E, type ERef } from '@endo/far';
import type { VatId } from '../captp-transport/index.js';
import type { PeerInbox } from './inbox.js';
import { MAX_LIVE_KEYS } from './inbox.js';
import { selectInAura, type AuraPolicy, type Position } from './interest.js';

export const LIVE_KEY = /^[a-z][a-z0-9:-]{0,31}$/;

interface PeerView {
  inbox: ERef<PeerInbox>;
  /** Nothing is queued for it: it may be told now. */
  idle(): boolean;
}

interface Told {
  version: number;
  at: number;
}

export const makeLiveFan = (opts: {
  aura: AuraPolicy | undefined;
  farIntervalMs: number;
  positions: ReadonlyMap<VatId, Position>;
}) => {
  let version = 0;
  let position: { value: Position; version: number } | undefined;
  const values = new Map<string, { value: string; version: number }>();
  const told = new Map<VatId, Told>();

  const tick = (peers: ReadonlyMap<VatId, PeerView>, now = Date.now()) => {
    const near = new Set(
      opts.aura
        ? selectInAura(position?.value, peers.keys(), opts.positions, opts.aura)
        : peers.keys(),
    );
    for (const [peer, view] of peers) {
      const last = told.get(peer) ?? { version: 0, at: Number.NEGATIVE_INFINITY };
      if (last.version === version || !view.idle()) continue;
      if (!near.has(peer) && now - last.at < opts.farIntervalMs) continue;
      if (position && position.version > last.version)
        E.sendOnly(view.inbox).position(position.value.x, position.value.y);
      const changed = [...values]
        .filter(([, v]) => v.version > last.version)
        .map(([key, v]) => harden([key, v.value]));
      if (changed.length) E.sendOnly(view.inbox).live(harden(changed));
      told.set(peer, { version, at: now });
    }
  };

  return harden({
    tick,
    move(value: Position) {
      position = { value: harden({ x: value.x, y: value.y }), version: ++version };
    },
    position: () => position?.value,
    /** Sets a live value; '' clears it (peers are told so). */
    set(key: string, value: string) {
      if (!LIVE_KEY.test(key))
        throw Error(`[bad-live] a live key is a short lower-case name, got ${JSON.stringify(key)}`);
      if (typeof value !== 'string' || value.length > 256)
        throw Error('[bad-live] a live value is a string of at most 256 characters');
      if (!values.has(key) && values.size >= MAX_LIVE_KEYS)
        throw Error(`[bad-live] a presence has at most ${MAX_LIVE_KEYS} live values`);
      if (values.get(key)?.value === value) return;
      values.set(key, { value, version: ++version });
    },
    forget(peer: VatId) {
      told.delete(peer);
    },
  });
};
harden(makeLiveFan);
export type LiveFan = ReturnType<typeof makeLiveFan>;
