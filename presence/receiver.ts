// presence/receiver.ts: the receiver checks of docs/protocol.md §5, in order:
// well-formed; author in roster; signature; room and epoch; seq == last+1 and
// prev == last id (else hold and fetch the gap); content hash; clock skew.
// A bad envelope is dropped and counted by reason, never shown. Two different
// envelopes for one (room, author, stream, seq) are equivocation: both are
// kept as evidence and raised.
//
// Accepted envelopes enter the window at once (evidence); they are shown in
// causal order (show-order.ts).
//
// Streams start at a baseline: the sender's head when the link was made, so a
// late joiner does not wait for history it never saw. History older than the
// baseline is accepted when it links backwards into what we hold.
import type { VatId } from '../captp-transport/index.js';
import { expandDeliveryItem, type HeldKnowledge } from './delivery-form.js';
import { contentMatches, openEnvelope, PUBLIC, signatureHolds, type Envelope } from './envelope.js';
import type { PresenceLimits } from './limits.js';
import type { RosterView } from './roster-view.js';
import { makeShowOrder } from './show-order.js';
import type { ConversationWindow } from './window.js';
import { makeWaitingForms, type WaitingForm } from './waiting-forms.js';
import type { StreamRecord } from './window-store.js';

export type DropReason =
  | 'malformed'
  | 'not-in-roster'
  | 'bad-signature'
  | 'wrong-room'
  | 'wrong-epoch'
  | 'not-for-me'
  | 'replay'
  | 'bad-content'
  | 'too-long'
  | 'clock-skew'
  | 'muted'
  | 'hold-overflow'
  | 'held-too-long'
  | 'bad-reply'
  | 'unresolved';

export interface Dropped {
  reason: DropReason;
  /** The vat that handed it to us. */
  from: VatId;
  author?: VatId;
  seq?: number;
  detail?: string;
}

export interface Delivery {
  envelope: Envelope;
  /** True for history fetched from a peer rather than sent to us live. */
  history: boolean;
}

export interface ReceiverHooks {
  deliver(delivery: Delivery): void;
  drop(dropped: Dropped): void;
  equivocation(author: VatId, stream: string, seq: number, envelopes: Envelope[]): void;
  /** A gap that could not be filled within holdMs; the stream moved on past it. */
  gap(author: VatId, stream: string, fromSeq: number, toSeq: number): void;
  /** Ask peers for the envelopes fromSeq..toSeq of a stream. */
  requestGap(author: VatId, stream: string, fromSeq: number, toSeq: number): void;
  /** A delivery form from `from` named something we still did not hold after holdMs (§5.14): ask it for the whole envelope. */
  requestWhole(from: VatId, stream: string, seq: number, what: string): void;
}

export interface Receiver {
  /**
   * Returns the envelope if it was well-formed (whatever became of it), so
   * callers need not open it again. A string is a delivery form from its
   * author (§5.14); one that cannot be resolved yet waits (undefined).
   */
  receive(wire: unknown, from: VatId, opts: { live: boolean }): Envelope | undefined;
  /**
   * History from a peer (older than our baselines): checked newest first, so
   * each envelope links backwards into what we hold, then shown oldest first.
   */
  receiveHistory(wires: unknown[], from: VatId): void;
  /** The head of `author`'s `stream` when we linked to it: where continuity starts. */
  setBaseline(author: VatId, stream: string, head: { seq: number; id: string }): void;
  /** Re-checks what waits on time or on the roster (call on a timer and on roster change). */
  sweep(): void;
  /** Records an envelope this presence sealed: it advances our own stream and enters the window; `show` echoes it locally. */
  own(envelope: Envelope, show: boolean): void;
  /** The last accepted (seq, id) of a stream, if it is known. */
  head(author: VatId, stream: string): { seq: number; id: string } | undefined;
  /** No peer could fill the gap before `author`'s held `stream`: move past it now rather than after holdMs. */
  gapUnfillable(author: VatId, stream: string, toSeq: number): void;
  /**
   * No peer could be asked for the gap from `fromSeq` (no link, or the call
   * failed): it is not known to be unfillable, so the next reason to ask (a
   * link made again, a later arrival) asks again.
   */
  gapNotAsked(author: VatId, stream: string, fromSeq: number): void;
  /** Counts and emits a refused reply from `from` (a `heads`, `history` or `recent` answer of the wrong shape). */
  refuseReply(from: VatId, detail: string): void;
  /** Counts and emits a delivery form from `from` that could be neither resolved nor had whole from it. */
  unresolved(from: VatId, seq: number, detail: string): void;
  counts(): Record<string, number>;
}

interface Held {
  envelope: Envelope;
  from: VatId;
  live: boolean;
  since: number;
}

export interface ReceiverOptions {
  self: VatId;
  roster: RosterView;
  window: ConversationWindow;
  limits: PresenceLimits;
  /** 'strict' holds gaps and fills them; 'sparse' (interest-managed rooms) moves past them. */
  continuity: 'strict' | 'sparse';
  restoredHeads: StreamRecord[];
  hooks: ReceiverHooks;
  now?: () => number;
}

const keyOf = (author: string, stream: string) => `${author}|${stream}`;

export const makeReceiver = (opts: ReceiverOptions): Receiver => {
  const { self, roster, window, limits, continuity, hooks, now = Date.now } = opts;
  const streams = new Map<string, { author: VatId; stream: string; seq: number; id: string }>();
  for (const h of opts.restoredHeads) streams.set(keyOf(h.author, h.stream), { ...h });
  /** Envelopes waiting for a gap to fill or a baseline to be known, per stream. */
  const held = new Map<string, Map<number, Held>>();
  /** Delivery forms naming something we do not hold yet (§5.14). */
  const waitingForms = makeWaitingForms(limits.holdMs, limits.maxHeldPerAuthor);
  /** We now know an envelope's id at this place: forms waiting on it wake. */
  const learn = waitingForms.learn;
  /** Envelopes from an epoch newer than our roster's. */
  let epochHeld: Held[] = [];
  const requested = new Map<string, number>();
  /** Per stream, the seq up to which peers could not fill a gap (their windows no longer hold it). */
  const unfillable = new Map<string, number>();
  const counts: Record<string, number> = {};

  const drop = (dropped: Dropped) => {
    counts[dropped.reason] = (counts[dropped.reason] ?? 0) + 1;
    hooks.drop(harden(dropped));
  };

  const order = makeShowOrder({
    self,
    holdMs: limits.holdMs,
    now,
    knowsPublicStream: author => streams.has(keyOf(author, PUBLIC)),
    isMuted: author => roster.isMuted(author),
    show: (envelope, history) => hooks.deliver(harden({ envelope, history })),
    dropMuted: ({ header }) =>
      drop({ reason: 'muted', from: header.author, author: header.author, seq: header.seq }),
  });
  const flushShown = () => order.flush();
  // What the window kept from an earlier membership was shown then: lines
  // naming it as a head must not wait for it to be shown again.
  for (const h of opts.restoredHeads) if (h.stream === PUBLIC) order.seen(h.author, h.seq);

  const commit = (envelope: Envelope, history: boolean, advance: boolean, show = true) => {
    const { author, seq } = envelope.header;
    const key = keyOf(author, envelope.stream);
    const heads: StreamRecord[] = [];
    if (advance) {
      const state = { author, stream: envelope.stream, seq, id: envelope.id };
      streams.set(key, state);
      heads.push(state);
    }
    window.add([envelope], heads, now());
    learn(author, envelope.stream, seq);
    if (show) order.push(envelope, history);
  };

  const holdFor = (key: string, item: Held) => {
    const waiting = held.get(key) ?? new Map<number, Held>();
    if (waiting.size >= limits.maxHeldPerAuthor && !waiting.has(item.envelope.header.seq)) {
      drop({
        reason: 'hold-overflow',
        from: item.from,
        author: item.envelope.header.author,
        seq: item.envelope.header.seq,
      });
      return;
    }
    waiting.set(item.envelope.header.seq, item);
    held.set(key, waiting);
    learn(item.envelope.header.author, item.envelope.stream, item.envelope.header.seq);
  };

  const askForGap = (author: VatId, stream: string, fromSeq: number, toSeq: number) => {
    const key = keyOf(author, stream);
    const asked = requested.get(key) ?? 0;
    if (asked >= toSeq) return;
    requested.set(key, toSeq);
    // Only what no earlier request covers: each out-of-order arrival widens the
    // gap by one, and asking again from its start made the work quadratic.
    hooks.requestGap(author, stream, Math.max(fromSeq, asked + 1), toSeq);
  };

  /**
   * A delivery form waits for the envelope before it (its prev) when we
   * lack it: if our head is further back still, those lines were lost on
   * the way (dropped for backpressure, a broken link), so the gap is asked
   * for now rather than after the form's holdMs.
   */
  const askBefore = (author: VatId, stream: string, seq: number) => {
    const state = streams.get(keyOf(author, stream));
    if (state && continuity === 'strict' && seq > state.seq + 1)
      askForGap(author, stream, state.seq + 1, seq - 1);
  };

  /** The chain step, once form, roster, signature, room and epoch passed. */
  const place = (item: Held): void => {
    const { envelope, from, live } = item;
    const { author, seq, prev } = envelope.header;
    const key = keyOf(author, envelope.stream);
    const state = streams.get(key);
    if (!state) {
      holdFor(key, item); // the baseline comes with the link
      return;
    }
    const finish = (advance: boolean, history: boolean, show = true) => {
      if (!contentMatches(envelope)) {
        drop({ reason: 'bad-content', from, author, seq });
        return false;
      }
      if (live && Math.abs(envelope.header.ts - now()) > limits.maxClockSkewMs) {
        drop({
          reason: 'clock-skew',
          from,
          author,
          seq,
          detail: `${Math.round((envelope.header.ts - now()) / 1000)} s`,
        });
        return false;
      }
      commit(envelope, history, advance, show);
      return true;
    };
    if (seq === state.seq + 1) {
      if (prev !== state.id) {
        // Signed over a predecessor other than the one we hold: the author forked its chain.
        if (finish(false, false, false))
          hooks.equivocation(author, envelope.stream, seq, [
            ...window.at(author, envelope.stream, seq - 1),
            envelope,
          ]);
        return;
      }
      if (finish(true, !live)) releaseHeld(key);
      return;
    }
    if (seq <= state.seq) {
      const kept = window.at(author, envelope.stream, seq);
      if (kept.some(k => k.id === envelope.id)) {
        drop({ reason: 'replay', from, author, seq });
        return;
      }
      if (kept.length > 0) {
        // Kept as evidence, never shown.
        if (finish(false, false, false))
          hooks.equivocation(author, envelope.stream, seq, [...kept, envelope]);
        return;
      }
      // History older than what we hold: it must link backwards into it.
      const next = window.at(author, envelope.stream, seq + 1)[0];
      const isHead = seq === state.seq && envelope.id === state.id;
      if (isHead || next?.header.prev === envelope.id) {
        finish(false, true);
        return;
      }
      drop({
        reason: 'replay',
        from,
        author,
        seq,
        detail: 'older than the window and not linked to it',
      });
      return;
    }
    // A gap: seq > state.seq + 1.
    if (continuity === 'sparse') {
      if (finish(true, !live)) releaseHeld(key);
      return;
    }
    holdFor(key, item);
    // No peer could fill up to here already: move past it at once.
    if ((unfillable.get(key) ?? 0) >= seq - 1) moveOn(key);
    else askForGap(author, envelope.stream, state.seq + 1, seq - 1);
  };

  const releaseHeld = (key: string) => {
    const waiting = held.get(key);
    if (!waiting || !streams.has(key)) return;
    for (;;) {
      const current = streams.get(key)!;
      const next = waiting.get(current.seq + 1);
      if (!next) break;
      waiting.delete(current.seq + 1);
      place(next);
      if (streams.get(key)!.seq === current.seq) break; // dropped or forked: it did not advance
    }
    const state = streams.get(key)!;
    for (const [seq, item] of waiting) {
      if (seq <= state.seq) {
        waiting.delete(seq); // history or a duplicate now
        place(item);
      }
    }
    if (waiting.size === 0) held.delete(key);
    else if (continuity === 'strict')
      askForGap(state.author, state.stream, state.seq + 1, Math.min(...waiting.keys()) - 1);
  };

  /** The gap before a stream's held envelopes will not fill: move past it, and say so. */
  const moveOn = (key: string) => {
    const state = streams.get(key);
    const waiting = held.get(key);
    if (!state || !waiting || waiting.size === 0) return;
    const first = Math.min(...waiting.keys());
    if (first <= state.seq + 1) return;
    hooks.gap(state.author, state.stream, state.seq + 1, first - 1);
    // What the gap skipped will never be shown: lines naming it as a head need not wait for it.
    if (state.stream === PUBLIC) order.seen(state.author, first - 1);
    streams.set(key, { ...state, seq: first - 1, id: waiting.get(first)!.envelope.header.prev });
    learn(state.author, state.stream, first - 1);
    releaseHeld(key);
  };

  const admit = (item: Held): void => {
    const { envelope, from } = item;
    const { author, seq, room, epoch } = envelope.header;
    if (!roster.isMember(author)) {
      drop({ reason: 'not-in-roster', from, author, seq });
      return;
    }
    if (!signatureHolds(envelope)) {
      drop({ reason: 'bad-signature', from, author, seq });
      return;
    }
    if (room !== roster.room) {
      drop({ reason: 'wrong-room', from, author, seq });
      return;
    }
    // A sender may have raised its own limit; what we take is ours.
    if ((envelope.wire.content?.length ?? 0) > limits.maxContentChars) {
      drop({
        reason: 'too-long',
        from,
        author,
        seq,
        detail: `over ${limits.maxContentChars} characters`,
      });
      return;
    }
    if (epoch > roster.epoch()) {
      epochHeld.push(item); // the host's roster update has not reached us yet
      learn(author, envelope.stream, seq);
      return;
    }
    if (epoch < (roster.joinedAt(author) ?? 0)) {
      drop({
        reason: 'wrong-epoch',
        from,
        author,
        seq,
        detail: `epoch ${epoch} is before the author joined`,
      });
      return;
    }
    if (envelope.stream !== PUBLIC && envelope.stream !== self) {
      drop({ reason: 'not-for-me', from, author, seq });
      return;
    }
    place(item);
  };

  /** What we hold, for the references of a delivery form. */
  const known: HeldKnowledge = {
    idsAt(author, stream, seq) {
      const key = keyOf(author, stream);
      const ids = window.at(author, stream, seq).map(e => e.id);
      const state = streams.get(key);
      if (state?.seq === seq) ids.push(state.id);
      const waiting = held.get(key)?.get(seq);
      if (waiting) ids.push(waiting.envelope.id);
      for (const item of epochHeld) {
        const { header } = item.envelope;
        if (header.author === author && item.envelope.stream === stream && header.seq === seq)
          ids.push(item.envelope.id);
      }
      return ids;
    },
    *publicAuthors() {
      for (const state of streams.values()) if (state.stream === PUBLIC) yield state.author;
    },
  };

  /** The record a delivery form stands for; 'unresolved' (with `form` saying what) or 'dropped' otherwise. */
  const expand = (form: WaitingForm): { wire: unknown } | 'unresolved' | 'dropped' => {
    try {
      const expanded = expandDeliveryItem(form.item, {
        sender: form.from,
        receiver: self,
        room: roster.room,
        known,
      });
      if ('wire' in expanded) return expanded;
      Object.assign(form, expanded.unresolved);
      return 'unresolved';
    } catch (error) {
      drop({ reason: 'malformed', from: form.from, detail: (error as Error).message });
      return 'dropped';
    }
  };

  const openAndAdmit = (wire: unknown, from: VatId, live: boolean, since: number) => {
    let envelope: Envelope;
    try {
      envelope = openEnvelope(wire);
    } catch (error) {
      drop({ reason: 'malformed', from, detail: (error as Error).message });
      return undefined;
    }
    admit({ envelope, from, live, since });
    return envelope;
  };

  let retrying = false;
  /** Tries the woken forms again; those still unresolved wait on (maybe on something else). */
  const retryWoken = () => {
    if (retrying) return; // the loop below picks up what admitting wakes
    retrying = true;
    try {
      for (let forms = waitingForms.takeWoken(); forms.length > 0; forms = waitingForms.takeWoken())
        for (const form of forms) {
          const result = expand(form);
          if (result === 'unresolved') {
            waitingForms.refile(form);
            continue;
          }
          waitingForms.done(form);
          if (result !== 'dropped') openAndAdmit(result.wire, form.from, form.live, form.since);
        }
    } finally {
      retrying = false;
    }
  };

  return harden({
    receive(item: unknown, from: VatId, { live }: { live: boolean }) {
      let envelope: Envelope | undefined;
      if (typeof item !== 'string') envelope = openAndAdmit(item, from, live, now());
      else {
        const form: WaitingForm = {
          item,
          from,
          live,
          since: now(),
          stream: PUBLIC,
          seq: 0,
          what: '',
          awaits: '',
        };
        const result = expand(form);
        if (result === 'unresolved') {
          if (!waitingForms.add(form))
            drop({ reason: 'hold-overflow', from, author: from, seq: form.seq });
          else askBefore(from, form.stream, form.seq);
        } else if (result !== 'dropped')
          envelope = openAndAdmit(result.wire, from, live, form.since);
      }
      retryWoken();
      flushShown();
      return envelope;
    },
    receiveHistory(wires: unknown[], from: VatId) {
      const opened: Envelope[] = [];
      for (const wire of wires) {
        try {
          opened.push(openEnvelope(wire));
        } catch (error) {
          drop({ reason: 'malformed', from, detail: (error as Error).message });
        }
      }
      opened.sort((a, b) => b.header.seq - a.header.seq);
      order.inTimeOrder(() => {
        // Our own lines we hold already; a peer's copy of them is no news.
        for (const envelope of opened.filter(e => e.header.author !== self)) {
          admit({ envelope, from, live: false, since: now() });
        }
      });
      retryWoken();
      flushShown();
    },
    setBaseline(author: VatId, stream: string, head: { seq: number; id: string }) {
      const key = keyOf(author, stream);
      const state = streams.get(key);
      if (!state) {
        streams.set(key, { author, stream, seq: head.seq, id: head.id });
        if (stream === PUBLIC) order.seen(author, head.seq);
        window.add([], [{ author, stream, seq: head.seq, id: head.id }], now());
        learn(author, stream, head.seq);
      } else if (head.seq > state.seq && continuity === 'strict') {
        askForGap(author, stream, state.seq + 1, head.seq); // missed while apart
      }
      releaseHeld(key);
      retryWoken();
      flushShown();
    },
    sweep() {
      const t = now();
      for (const form of waitingForms.takeDue(t))
        hooks.requestWhole(form.from, form.stream, form.seq, form.what);
      const waitingOnEpoch = epochHeld;
      epochHeld = [];
      for (const item of waitingOnEpoch) {
        if (item.envelope.header.epoch <= roster.epoch()) admit(item);
        else if (t - item.since > limits.holdMs) {
          drop({
            reason: 'held-too-long',
            from: item.from,
            author: item.envelope.header.author,
            seq: item.envelope.header.seq,
            detail: 'its epoch never arrived',
          });
        } else epochHeld.push(item);
      }
      for (const [key, waiting] of held) {
        const state = streams.get(key);
        const oldest = Math.min(...[...waiting.values()].map(h => h.since));
        if (t - oldest <= limits.holdMs) continue;
        if (!state) {
          for (const item of waiting.values()) {
            drop({
              reason: 'held-too-long',
              from: item.from,
              author: item.envelope.header.author,
              seq: item.envelope.header.seq,
              detail: 'no link to its author',
            });
          }
          held.delete(key);
          continue;
        }
        moveOn(key);
      }
      retryWoken();
      flushShown();
    },
    gapUnfillable(author: VatId, stream: string, toSeq: number) {
      const key = keyOf(author, stream);
      unfillable.set(key, Math.max(unfillable.get(key) ?? 0, toSeq));
      // Lines naming what no one can fill must not wait for it, even when
      // nothing of the author's is held yet (a gap found at re-linking).
      if (stream === PUBLIC && streams.has(key)) order.seen(author, toSeq);
      moveOn(key);
      retryWoken();
      flushShown();
    },
    gapNotAsked(author: VatId, stream: string, fromSeq: number) {
      const key = keyOf(author, stream);
      if ((requested.get(key) ?? 0) >= fromSeq) requested.set(key, fromSeq - 1);
    },
    own(envelope: Envelope, show: boolean) {
      commit(envelope, false, true, show);
      flushShown();
    },
    head: (author: VatId, stream: string) => {
      const state = streams.get(keyOf(author, stream));
      return state ? { seq: state.seq, id: state.id } : undefined;
    },
    refuseReply: (from: VatId, detail: string) => drop({ reason: 'bad-reply', from, detail }),
    unresolved: (from: VatId, seq: number, detail: string) =>
      drop({ reason: 'unresolved', from, author: from, seq, detail }),
    counts: () => harden({ ...counts }),
  });
};
harden(makeReceiver);
