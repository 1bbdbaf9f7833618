// presence/show-order.ts: when an accepted envelope is shown. Accepted
// envelopes are in the window already (evidence); they are shown in causal
// order: after the author's earlier ones on that stream and after every
// envelope their `heads` name, or once `holdMs` passed if one never comes.
// A muted author's envelopes are dropped here, at the moment they would show.
import { debugLog, short, type VatId } from '../captp-transport/index.js';
import { PUBLIC, type Envelope } from './envelope.js';

interface Pending {
  envelope: Envelope;
  history: boolean;
  since: number;
}

export interface ShowOrderOptions {
  self: VatId;
  holdMs: number;
  now: () => number;
  /** Whether we hold a public stream of `author` (heads naming unknown streams do not block). */
  knowsPublicStream(author: VatId): boolean;
  isMuted(author: VatId): boolean;
  show(envelope: Envelope, history: boolean): void;
  dropMuted(envelope: Envelope): void;
}

export interface ShowOrder {
  /** Queues an accepted envelope. */
  push(envelope: Envelope, history: boolean): void;
  /** Shows every queued envelope whose turn has come. */
  flush(): void;
  /** Counts seqs up to `seq` of `author`'s public stream as shown (a baseline). */
  seen(author: VatId, seq: number): void;
  /** Runs `admit`, then orders what it queued by time, oldest first (history from a peer). */
  inTimeOrder(admit: () => void): void;
}

const keyOf = (author: VatId, stream: string) => `${author}|${stream}`;

export const makeShowOrder = (opts: ShowOrderOptions): ShowOrder => {
  const { self, holdMs, now } = opts;
  let pending: Pending[] = [];
  /** Highest seq shown per public stream. */
  const shown = new Map<VatId, number>();
  const seen = (author: VatId, seq: number) =>
    shown.set(author, Math.max(shown.get(author) ?? 0, seq));

  const ready = (item: Pending, blocked: Set<string>) => {
    const { header, stream } = item.envelope;
    if (blocked.has(keyOf(header.author, stream))) return false;
    return header.heads.every(
      ([author, seq]) =>
        author === self || !opts.knowsPublicStream(author) || (shown.get(author) ?? 0) >= seq,
    );
  };
  /** Says what an envelope shown only because holdMs passed was waiting for. */
  const debugWaited = ({ envelope: { header } }: Pending) =>
    debugLog(
      'presence',
      `${short(self)} showed ${short(header.author)}#${header.seq} after holdMs; it named`,
      header.heads
        .filter(([a, seq]) => a !== self && (shown.get(a) ?? 0) < seq)
        .map(
          ([a, seq]) =>
            `${short(a)}#${seq} (shown up to ${shown.get(a) ?? 0}${opts.knowsPublicStream(a) ? '' : ', stream unknown'})`,
        )
        .join(', ') || 'nothing missing: its own stream was blocked',
    );
  /** One pass; true if anything was shown and something still waits (which that may unblock). */
  const pass = () => {
    let progress = false;
    const blocked = new Set<string>();
    const rest: Pending[] = [];
    for (const item of pending) {
      const { author, seq } = item.envelope.header;
      const overdue = now() - item.since > holdMs;
      if (overdue ? blocked.has(keyOf(author, item.envelope.stream)) : !ready(item, blocked)) {
        blocked.add(keyOf(author, item.envelope.stream));
        rest.push(item);
        continue;
      }
      if (overdue && !ready(item, blocked)) debugWaited(item);
      if (item.envelope.stream === PUBLIC) seen(author, seq);
      if (opts.isMuted(author)) opts.dropMuted(item.envelope);
      else opts.show(item.envelope, item.history);
      progress = true;
    }
    pending = rest;
    return progress && rest.length > 0;
  };
  return harden({
    push(envelope: Envelope, history: boolean) {
      pending.push({ envelope, history, since: now() });
    },
    flush() {
      while (pass()) {
        // each pass may unblock envelopes queued after the ones it showed
      }
    },
    seen,
    inTimeOrder(admit: () => void) {
      const before = pending.length;
      admit();
      const added = pending
        .splice(before)
        .sort(
          (a, b) =>
            a.envelope.header.ts - b.envelope.header.ts ||
            a.envelope.header.seq - b.envelope.header.seq,
        );
      pending.push(...added);
    },
  });
};
harden(makeShowOrder);
