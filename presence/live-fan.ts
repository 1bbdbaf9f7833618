// presence/live-fan.ts: a presence's live state: its position and a few named
// values (a held piece, a cursor's shape) that only have to look right now, so
// they are neither signed nor chained nor kept. A tick sends each linked peer
// what changed since it was last told, coalesced to the newest value, at most
// once per `nearIntervalMs` on average (`nextTell`): the presence ticks as soon as
// something changes (so a move adds no wait) and again every quarter of that
// period (so what a peer was not told yet follows soon). In a spatial room
// peers outside the aura are told at most every `farIntervalMs`, and no more
// than `maxInAura` of them in any such period, the longest untold first: what
// a presence sends stays bounded however many peers the room has (graceful
// degradation rather than N² traffic). A peer linked late is told everything
// at its first tick (if it is far, when its turn comes). Chat goes first: a peer with envelopes queued is skipped
// and catches up at a later tick.
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
  /** When the peer may be told again if it is near (see `nextTell`); a far one waits farIntervalMs. */
  next: number;
}

/**
 * When a near peer told at `now` may be told again: one period on, or up to
 * a quarter period (the checks' granularity) sooner when the one before came
 * late, but never more than one tell per period on average. Without that
 * slack, updates made at about the period's own rate locked in whatever lag
 * the first one had (a timer that fired a millisecond early cost a whole
 * check): at 10 updates a second and 100 ms, half a period on average.
 */
const nextTell = (last: Told, now: number, periodMs: number) =>
  Math.max(last.next + periodMs, now + periodMs - periodMs / 4);

export const makeLiveFan = (opts: {
  aura: AuraPolicy | undefined;
  nearIntervalMs: number;
  farIntervalMs: number;
  positions: ReadonlyMap<VatId, Position>;
}) => {
  let version = 0;
  let position: { value: Position; version: number } | undefined;
  const values = new Map<string, { value: string; version: number }>();
  const told = new Map<VatId, Told>();
  /** When far peers were told, within the last farIntervalMs. */
  let farTold: number[] = [];

  /** Whether some peer has not been told everything (a presence with no live state never has). */
  const behind = (peers: Iterable<VatId>) => {
    for (const peer of peers) if ((told.get(peer)?.version ?? 0) !== version) return true;
    return false;
  };

  const tick = (peers: ReadonlyMap<VatId, PeerView>, now = Date.now()) => {
    if (!behind(peers.keys())) return;
    const near = new Set(
      opts.aura
        ? selectInAura(position?.value, peers.keys(), opts.positions, opts.aura)
        : peers.keys(),
    );
    farTold = farTold.filter(at => now - at < opts.farIntervalMs);
    const lastOf = (peer: VatId): Told =>
      told.get(peer) ?? {
        version: 0,
        at: Number.NEGATIVE_INFINITY,
        next: Number.NEGATIVE_INFINITY,
      };
    const due = [...peers]
      .filter(([peer, view]) => {
        const last = lastOf(peer);
        if (last.version === version || !view.idle()) return false;
        // A far peer that comes near is told at the near pace at once.
        return near.has(peer) ? now >= last.next : now - last.at >= opts.farIntervalMs;
      })
      .sort(([a], [b]) => lastOf(a).at - lastOf(b).at);
    for (const [peer, view] of due) {
      const last = lastOf(peer);
      if (opts.aura && !near.has(peer)) {
        if (farTold.length >= opts.aura.maxInAura) continue;
        farTold.push(now);
      }
      const moved =
        position && position.version > last.version
          ? harden([position.value.x, position.value.y])
          : null;
      const changed = [...values]
        .filter(([, v]) => v.version > last.version)
        .map(([key, v]) => harden([key, v.value]));
      E.sendOnly(view.inbox).live(moved, harden(changed));
      told.set(peer, {
        version,
        at: now,
        next: nextTell(last, now, opts.nearIntervalMs),
      });
    }
  };

  return harden({
    tick,
    behind,
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
