// presence/presence.ts: one vat's presence in one room. It seals what this
// vat says into envelopes and fans them straight to its peers (no relay), in
// the four modes of Sony's Community Place plus whispers: to all (and show it
// here too), to all but self, to one, and to the host. It checks what peers
// send (receiver.ts), keeps the window (window.ts), fills gaps from any peer,
// and, in spatial rooms, fans only to the peers in its aura.
import { E, type ERef } from '@endo/far';
import { short, type VatId } from '../captp-transport/index.js';
import type { Vat } from '../vat/index.js';
import { makeEmitter, type Listener } from './emitter.js';
import { chooseHeads } from './heads.js';
import {
  GENESIS,
  PUBLIC,
  sealEnvelope,
  type Envelope,
  type Head,
  type WireEnvelope,
} from './envelope.js';
import { deliveryItem, MAX_WHOLE_REQUESTS } from './delivery-form.js';
import {
  type DeliveryItem,
  HISTORY_RANGE,
  makePeerInboxKit,
  MAX_BATCH,
  MAX_LIVE_KEYS,
  type PeerInbox,
  type StreamHead,
} from './inbox.js';
import { checkAuraPolicy, selectInAura, type AuraPolicy, type Position } from './interest.js';
import { DEFAULT_PRESENCE_LIMITS, type PresenceLimits } from './limits.js';
import { LIVE_KEY, makeLiveFan } from './live-fan.js';
import { makePeerLink, type PeerLink, type PeerLinkStats } from './peer-link.js';
import { makeReceiver, type Delivery, type DropReason, type Dropped } from './receiver.js';
import type { RosterView } from './roster-view.js';
import { checkHeadsReply, isEnvelopeList } from './replies.js';
import { makeWindow, type KeptEnvelope } from './window.js';
import { encodedSize, newestWithin, oldestWithin } from './wire-size.js';
import { openWindowStore } from './window-store.js';

/** Where an envelope goes: everyone (shown here too), everyone else, one peer, or the host. */
export type Target = 'all' | 'others' | 'host' | { to: VatId };

export interface PresenceEvents extends Record<string, unknown> {
  /** A verified envelope, in causal order. */
  message: Delivery;
  dropped: Dropped;
  equivocation: { author: VatId; stream: string; seq: number; envelopes: Envelope[] };
  /** Envelopes of a stream that never arrived; the stream moved past them. */
  gap: { author: VatId; stream: string; fromSeq: number; toSeq: number };
  /** A link ended: `undelivered` envelopes handed to it were never acknowledged. */
  'peer-broken': { peer: VatId; reason: Error; undelivered: number };
  /** A peer's position arrived (spatial rooms). */
  position: { peer: VatId; x: number; y: number };
  /** A peer's live value arrived ('' when it cleared it). */
  live: { peer: VatId; key: string; value: string };
  error: unknown;
}

export interface PresenceStats {
  window: number;
  dropped: Partial<Record<DropReason, number>>;
  peers: PeerLinkStats[];
  /** Envelopes handed to links that broke before the peer acknowledged them (it catches up by gap fill when it is back). */
  undelivered: number;
  equivocations: number;
  gaps: number;
  /** Delivery forms naming something this vat did not hold, whose envelope it asked their sender for whole (§5.14). */
  askedWhole: number;
}

export interface SendResult {
  id: string;
  seq: number;
  /** The peers it was handed to. */
  to: VatId[];
}

export interface Presence {
  readonly self: VatId;
  readonly room: string;
  /**
   * Makes the inbox facet for `peer` and mints a gift of it only `peer` can
   * redeem, for `ttlMs`. A second call replaces the first; unlink and close
   * revoke both the facet and its gift (the vat stops holding the facet).
   */
  inboxGiftFor(peer: VatId, ttlMs: number): string;
  /** Starts sending to `peer` through its inbox, and sets where its streams start. */
  link(peer: VatId, inbox: ERef<PeerInbox>): Promise<void>;
  /** Stops sending to `peer` and revokes the inbox facet it holds. */
  unlink(peer: VatId): void;
  linked(): VatId[];
  send(target: Target, kind: string, content: string): SendResult;
  /**
   * Hands an already-sealed envelope to one peer as it is: a relay's power
   * (relays forward envelopes they cannot forge). The receiver checks it like
   * any other.
   */
  forward(peer: VatId, wire: WireEnvelope): void;
  /** Resolves when everything sent so far has been acknowledged by every linked peer, or by `peer` alone (or its link broke). */
  flush(peer?: VatId): Promise<void>;
  /** Asks a linked peer for its recent public envelopes (a late joiner's history). */
  fetchHistory(limit?: number): Promise<void>;
  /** This presence's position (the aura's centre in spatial rooms), sent to peers coalesced and at low priority. */
  move(position: Position): void;
  /**
   * Sets a live value (key: a short lower-case name; value: at most 256
   * characters; '' clears it): not signed, not kept, sent like the position,
   * coalesced to the newest. Peers see `live` events; one linked later is told
   * every value at once.
   */
  setLive(key: string, value: string): void;
  /** The live values `peer` last sent (none once it is unlinked). */
  liveOf(peer: VatId): Record<string, string>;
  /** The position `peer` last sent, if any (none once it is unlinked). */
  positionOf(peer: VatId): Position | undefined;
  window(): KeptEnvelope[];
  on<K extends keyof PresenceEvents>(name: K, listener: Listener<PresenceEvents[K]>): () => void;
  /** Re-checks envelopes waiting on the roster; call after every roster change. */
  rosterChanged(): void;
  stats(): PresenceStats;
  close(): void;
}

export interface PresenceOptions {
  vat: Pick<Vat, 'id' | 'sign' | 'tables' | 'onPeerBroken' | 'giftFor' | 'revoke'>;
  roster: RosterView;
  /** The host's vat id, for `send('host', …)`. */
  host?: VatId;
  limits?: Partial<PresenceLimits>;
  /** Fan only to peers within this aura (spatial rooms); gaps are then expected, not filled. */
  aura?: AuraPolicy;
}

export const makePresence = (opts: PresenceOptions): Presence => {
  const { vat, roster, host, aura } = opts;
  if (aura) checkAuraPolicy(aura);
  const self = vat.id;
  const room = roster.room;
  const limits: PresenceLimits = { ...DEFAULT_PRESENCE_LIMITS, ...opts.limits };
  if (
    !Number.isSafeInteger(limits.maxBatch) ||
    limits.maxBatch < 1 ||
    limits.maxBatch > MAX_BATCH
  ) {
    throw Error(
      `[bad-option] maxBatch is 1 to ${MAX_BATCH} envelopes (what a peer's inbox takes in one delivery), got ${limits.maxBatch}`,
    );
  }
  if (!Number.isSafeInteger(limits.maxBatchBytes) || limits.maxBatchBytes < 1024) {
    throw Error(
      `[bad-option] maxBatchBytes is a whole number of at least 1024, got ${limits.maxBatchBytes}`,
    );
  }
  const events = makeEmitter<PresenceEvents>();
  const windowStore = openWindowStore(vat);
  const { window, heads: restored } = makeWindow(room, windowStore, limits);
  const links = new Map<VatId, PeerLink>();
  const revokers = new Map<VatId, () => void>();
  /** Per linked peer, the function that stops watching its session (a re-made link replaces it). */
  const watching = new Map<VatId, () => void>();
  const positions = new Map<VatId, Position>();
  const peerLive = new Map<VatId, Map<string, string>>();
  const live = makeLiveFan({
    aura,
    nearIntervalMs: limits.positionIntervalMs,
    farIntervalMs: limits.farIntervalMs,
    positions,
  });
  /** Public heads of others as of our previous envelope (for `heads`). */
  const headsSent = new Map<VatId, number>();
  /** When each peer last delivered to us: `heads` names the most recently active first. */
  const heardAt = new Map<VatId, number>();
  let equivocations = 0;
  /** Envelopes handed to links that broke before acknowledging them (peers catch up by gap fill). */
  let lostToBrokenLinks = 0;
  let closed = false;
  let gaps = 0;
  let askedWhole = 0;

  /** A peer's `history()` answer, checked (§5.10); undefined, and counted as a bad reply, if it is not a list of envelopes. */
  const historyFrom = async (
    peer: VatId,
    inbox: ERef<PeerInbox>,
    author: VatId,
    stream: string,
    fromSeq: number,
    toSeq: number,
  ) => {
    const found: unknown = await E(inbox).history(author, stream, fromSeq, toSeq);
    if (isEnvelopeList(found)) return found;
    receiver.refuseReply(peer, `history reply is not a list of at most ${HISTORY_RANGE} envelopes`);
    return undefined;
  };

  /**
   * Asks `peer` for a stream range, page by page (a reply is cut to
   * maxBatchBytes): `filled` once the stream's head reaches `toSeq`, or once
   * the peer has handed over the whole range (what the head still lacks then
   * lies in another range, asked for by another request); `lacks` when it
   * answered without it; `unlinked` when there is no link to ask over.
   */
  const askPeer = async (
    peer: VatId,
    author: VatId,
    stream: string,
    fromSeq: number,
    toSeq: number,
  ): Promise<'filled' | 'lacks' | 'unlinked'> => {
    let from = fromSeq;
    while (from <= toSeq) {
      const link = links.get(peer);
      if (!link) return from === fromSeq ? 'unlinked' : 'lacks';
      const found = await historyFrom(
        peer,
        link.inbox,
        author,
        stream,
        from,
        Math.min(toSeq, from + HISTORY_RANGE - 1),
      );
      if (!found) return 'lacks';
      const seqs = found.map(wire => receiver.receive(wire, peer, { live: false })?.header.seq);
      if ((receiver.head(author, stream)?.seq ?? 0) >= toSeq) return 'filled';
      const last = seqs.at(-1);
      if (last === undefined || last < from) return 'lacks'; // this peer has no more of it
      if (from === fromSeq && seqs[0] !== fromSeq) return 'lacks'; // nor its start
      if (last >= toSeq) return 'filled';
      from = last + 1;
    }
    return 'lacks';
  };

  const askPeers = async (author: VatId, stream: string, fromSeq: number, toSeq: number) => {
    // Our direct stream from `author` only the author has; public streams anyone may.
    const candidates =
      stream === PUBLIC ? [author, ...[...links.keys()].filter(p => p !== author)] : [author];
    let answered = false;
    for (const peer of candidates) {
      try {
        const outcome = await askPeer(peer, author, stream, fromSeq, toSeq);
        if (outcome === 'filled') return;
        answered ||= outcome === 'lacks';
      } catch {
        // that peer could not be asked (its session ended): try the next
      }
    }
    if (closed) return;
    // Every peer that could be asked was, and the start of the gap is in no
    // window (they are bounded), though some may hold its end: waiting holdMs
    // would only delay what follows, and every line that names it as a head.
    // If none could be asked (a break, links not yet made again), nothing is
    // known yet: the next link or arrival asks again.
    if (answered) receiver.gapUnfillable(author, stream, toSeq);
    else receiver.gapNotAsked(author, stream, fromSeq);
  };

  /** Requests for whole envelopes (§5.14) awaiting an answer, per peer: one that never answers cannot pile them up. */
  const askingWhole = new Map<VatId, number>();
  /** A delivery form from `peer` named something we do not hold: its envelope `seq`, whole, from its window. */
  const askWhole = async (peer: VatId, stream: string, seq: number, what: string) => {
    const link = links.get(peer);
    const waiting = askingWhole.get(peer) ?? 0;
    const why = `its ${what} names nothing this vat holds`;
    if (!link || waiting >= MAX_WHOLE_REQUESTS) {
      receiver.unresolved(
        peer,
        seq,
        link
          ? `${why}, and ${MAX_WHOLE_REQUESTS} requests to its sender are unanswered`
          : `${why}, and there is no link to its sender to ask on`,
      );
      return;
    }
    askingWhole.set(peer, waiting + 1);
    askedWhole += 1;
    try {
      const found = await historyFrom(peer, link.inbox, peer, stream, seq, seq);
      if (!found) return;
      if (found.length === 0)
        receiver.unresolved(peer, seq, `${why}, and its sender no longer holds it`);
      for (const wire of found) receiver.receive(wire, peer, { live: true });
    } catch (error) {
      receiver.unresolved(
        peer,
        seq,
        `${why}, and asking its sender failed: ${(error as Error).message}`,
      );
    } finally {
      const left = (askingWhole.get(peer) ?? 1) - 1;
      if (left > 0) askingWhole.set(peer, left);
      else askingWhole.delete(peer);
    }
  };

  const receiver = makeReceiver({
    self,
    roster,
    window,
    limits,
    continuity: aura ? 'sparse' : 'strict',
    restoredHeads: restored,
    hooks: {
      deliver: delivery => events.emit('message', delivery),
      drop: dropped => events.emit('dropped', dropped),
      equivocation: (author, stream, seq, envelopes) => {
        equivocations += 1;
        events.emit('equivocation', harden({ author, stream, seq, envelopes }));
      },
      gap: (author, stream, fromSeq, toSeq) => {
        gaps += 1;
        events.emit('gap', harden({ author, stream, fromSeq, toSeq }));
      },
      requestGap: (author, stream, fromSeq, toSeq) => void askPeers(author, stream, fromSeq, toSeq),
      requestWhole: (from, stream, seq, what) => void askWhole(from, stream, seq, what),
    },
  });

  const ownHead = (stream: string): StreamHead =>
    receiver.head(self, stream) ?? { seq: 0, id: GENESIS };

  /** The linked members: replicated traffic (chat, live state) never goes to the host. */
  const members = () => [...links.keys()].filter(peer => peer !== host);
  const liveViews = (peers: VatId[]) =>
    new Map(
      peers.map(peer => {
        const link = links.get(peer)!;
        return [peer, { inbox: link.inbox, idle: () => link.stats().queued === 0 }]; // chat first
      }),
    );
  const sweepMs = Math.min(limits.positionIntervalMs, limits.holdMs / 2);
  let lastFlush = Date.now();
  const sweeper = setInterval(() => {
    receiver.sweep();
    // What was taken and not yet acknowledged reaches the disk soon anyway;
    // every acknowledgement flushes first, so this one need not run per sweep
    // (a commit per sweep was a tenth of a busy room's CPU).
    if (Date.now() - lastFlush >= limits.ackDelayMs) flushWindow();
  }, sweepMs);
  sweeper.unref();
  const flushWindow = () => {
    lastFlush = Date.now();
    windowStore.flush();
  };
  /** Ticks while some peer has not been told our live state, then stops: an idle presence wakes for nothing. */
  let liveTicker: ReturnType<typeof setInterval> | undefined;
  const liveTick = () => {
    const peers = members();
    if (!closed && live.behind(peers)) live.tick(liveViews(peers));
    if ((closed || !live.behind(members())) && liveTicker) {
      clearInterval(liveTicker);
      liveTicker = undefined;
    }
  };
  const tickLiveState = () => {
    if (liveTicker || closed || !live.behind(members())) return;
    liveTicker = setInterval(liveTick, limits.positionIntervalMs / 4);
    liveTicker.unref();
  };
  /** A change is sent at once (after this turn, so a move and a value set together go together). */
  let tickSoon = false;
  const changedLive = () => {
    if (tickSoon || closed) return;
    tickSoon = true;
    setImmediate(() => {
      tickSoon = false;
      liveTick();
      tickLiveState();
    });
  };

  const handlers = {
    deliver(from: VatId, items: DeliveryItem[], delivered: number) {
      heardAt.set(from, Date.now());
      // Written at the next flush, before our acknowledgement leaves (window-store.ts).
      for (const item of items) receiver.receive(item, from, { live: true });
      links.get(from)?.owe(delivered);
    },
    acked(from: VatId, count: number) {
      links.get(from)?.acked(count);
    },
    heads: (from: VatId) => {
      flushWindow(); // the delivered count it answers with acknowledges
      return { public: ownHead(PUBLIC), direct: ownHead(from) };
    },
    // Replies are cut to maxBatchBytes so they fit a frame: history keeps the
    // oldest (the asker pages on), recent the newest.
    history(from: VatId, author: VatId, stream: string, fromSeq: number, toSeq: number) {
      if (stream !== PUBLIC && stream !== from && author !== from) return [];
      flushWindow(); // our own chain heads are on disk before a peer sees them
      const wires = window.range(author, stream, fromSeq, toSeq).map(e => e.wire);
      return oldestWithin(wires, limits.maxBatchBytes);
    },
    recent: (_from: VatId, limit: number) => {
      flushWindow();
      return limit > 0
        ? newestWithin(
            window
              .snapshot()
              .filter(k => k.envelope.stream === PUBLIC)
              .slice(-limit)
              .map(k => k.envelope.wire),
            limits.maxBatchBytes,
          )
        : [];
    },
    position(from: VatId, x: number, y: number) {
      positions.set(from, harden({ x, y }));
      events.emit('position', harden({ peer: from, x, y }));
    },
    live(from: VatId, items: Array<[string, string]>) {
      const values = peerLive.get(from) ?? new Map<string, string>();
      peerLive.set(from, values);
      for (const [key, value] of items) {
        // A peer keeps at most MAX_LIVE_KEYS; more from it are ignored, as are malformed keys.
        if (!LIVE_KEY.test(key) || (!values.has(key) && values.size >= MAX_LIVE_KEYS)) continue;
        values.set(key, value);
        events.emit('live', harden({ peer: from, key, value }));
      }
    },
  };

  const pickTargets = (target: Target): VatId[] => {
    if (target === 'host') {
      if (!host)
        throw Error(`[no-host] presence of ${short(self)} in ${room} has no host to send to`);
      return [host];
    }
    if (typeof target === 'object') return [target.to];
    const everyone = members();
    return aura ? selectInAura(live.position(), everyone, positions, aura) : everyone;
  };

  const presence: Presence = {
    self,
    room,
    inboxGiftFor(peer, ttlMs) {
      revokers.get(peer)?.();
      const { inbox, revoke } = makePeerInboxKit(self, peer, handlers);
      const gift = vat.giftFor(inbox, peer, { ttlMs });
      revokers.set(peer, () => {
        revoke();
        vat.revoke(gift);
      });
      return gift;
    },
    async link(peer, inbox) {
      const link = makePeerLink(peer, inbox, limits, flushWindow, (reason, undelivered) => {
        if (links.get(peer) !== link) return; // replaced or unlinked already: nothing to re-make
        links.delete(peer);
        lostToBrokenLinks += undelivered;
        events.emit('peer-broken', harden({ peer, reason, undelivered }));
      });
      links.set(peer, link);
      live.forget(peer); // a new link is told every live value
      tickLiveState();
      // Noticed when the session ends, not only at the next send: who may not hear us shows at once.
      const stopWatching = vat.onPeerBroken(peer, reason => link.fail(reason));
      watching.get(peer)?.();
      watching.set(peer, stopWatching);
      const reply = checkHeadsReply(await E(inbox).heads());
      if (!reply.ok) {
        receiver.refuseReply(peer, reply.why);
        link.fail(Error(`[bad-reply] vat ${short(peer)} answered heads() with a ${reply.why}`));
        throw Error(`[bad-reply] vat ${short(peer)}: ${reply.why}`);
      }
      receiver.setBaseline(peer, PUBLIC, reply.heads.public);
      receiver.setBaseline(peer, self, reply.heads.direct);
      link.start(reply.heads.delivered);
    },
    unlink(peer) {
      links.delete(peer);
      watching.get(peer)?.();
      watching.delete(peer);
      positions.delete(peer);
      peerLive.delete(peer);
      live.forget(peer);
      revokers.get(peer)?.();
      revokers.delete(peer);
    },
    linked: () => [...links.keys()],
    send(target, kind, content) {
      if (closed) throw Error(`[closed] the presence of ${short(self)} in ${room} is closed`);
      if (typeof content !== 'string' || content.length > limits.maxContentChars) {
        throw Error(`[too-long] a message holds at most ${limits.maxContentChars} characters`);
      }
      const direct = target === 'host' ? host : typeof target === 'object' ? target.to : undefined;
      const stream = direct ?? PUBLIC;
      const last = ownHead(stream);
      const heads: Head[] = [];
      if (stream === PUBLIC) {
        const moved = [...links.keys()]
          .map(peer => ({ peer, seen: receiver.head(peer, PUBLIC) }))
          .filter(({ peer, seen }) => seen && seen.seq > (headsSent.get(peer) ?? 0))
          .sort((a, b) => (heardAt.get(b.peer) ?? 0) - (heardAt.get(a.peer) ?? 0))
          .map(({ peer, seen }): Head => [peer, seen!.seq, seen!.id]);
        const { named, implied } = chooseHeads(
          moved,
          ([author, seq, id]) =>
            window.at(author, PUBLIC, seq).find(e => e.id === id)?.header.heads,
          limits.maxHeads,
        );
        for (const [peer, seq] of [...named, ...implied]) headsSent.set(peer, seq);
        heads.push(...named);
      }
      const envelope = sealEnvelope(
        {
          room,
          epoch: roster.epoch(),
          author: self,
          seq: last.seq + 1,
          prev: last.id,
          ts: Date.now(),
          heads,
          kind,
          ...(direct ? { to: direct } : {}),
        },
        content,
        message => vat.sign(message),
      );
      const targets = pickTargets(target);
      receiver.own(envelope, target === 'all');
      const item = deliveryItem(envelope) ?? envelope.wire;
      const size = encodedSize(item);
      for (const peer of targets) links.get(peer)?.send(item, size);
      return harden({
        id: envelope.id,
        seq: envelope.header.seq,
        to: targets.filter(p => links.has(p)),
      });
    },
    forward(peer, wire) {
      const link = links.get(peer);
      if (!link)
        throw Error(`[not-linked] presence of ${short(self)} has no link to ${short(peer)}`);
      link.send(harden({ ...wire }));
    },
    flush: async peer => {
      const which =
        peer === undefined ? [...links.values()] : [links.get(peer)].filter(l => l !== undefined);
      await Promise.all(which.map(link => link.drain()));
    },
    async fetchHistory(limit = limits.windowEnvelopes) {
      for (const [peer, link] of links) {
        if (peer === host) continue;
        try {
          const recent: unknown = await E(link.inbox).recent(limit);
          if (!isEnvelopeList(recent)) {
            receiver.refuseReply(
              peer,
              `recent reply is not a list of at most ${HISTORY_RANGE} envelopes`,
            );
            continue;
          }
          receiver.receiveHistory(recent, peer);
          return;
        } catch {
          // try another peer
        }
      }
    },
    move(position) {
      live.move(position);
      changedLive();
    },
    setLive(key, value) {
      live.set(key, value);
      changedLive();
    },
    liveOf: peer => harden(Object.fromEntries(peerLive.get(peer) ?? [])),
    positionOf: peer => positions.get(peer),
    window: () => window.snapshot(),
    on: (name, listener) => events.on(name, listener),
    rosterChanged: () => receiver.sweep(),
    stats: () =>
      harden({
        window: window.size(),
        dropped: receiver.counts(),
        peers: [...links.values()].map(l => l.stats()),
        undelivered: lostToBrokenLinks,
        equivocations,
        gaps,
        askedWhole,
      }),
    close() {
      if (closed) return;
      closed = true;
      windowStore.close();
      clearInterval(sweeper);
      clearInterval(liveTicker);
      liveTicker = undefined;
      for (const revoke of revokers.values()) revoke();
      for (const stop of watching.values()) stop();
      watching.clear();
      links.clear();
    },
  };
  return harden(presence);
};
harden(makePresence);
