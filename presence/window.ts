// presence/window.ts: a room's conversational window, the verified envelopes a
// presence keeps as evidence. It keeps the last `windowEnvelopes` or all
// younger than `windowMs`, whichever is more, never more than `windowHardCap`.
// Both envelopes of an equivocation are kept. Persisted through WindowStore.
import { openEnvelope, type Envelope } from './envelope.js';
import type { PresenceLimits } from './limits.js';
import type { StreamRecord, WindowStore } from './window-store.js';

export interface KeptEnvelope {
  envelope: Envelope;
  receivedAt: number;
}

export interface ConversationWindow {
  /** Adds verified envelopes (and the stream heads they advance) durably, then trims. */
  add(envelopes: Envelope[], heads: StreamRecord[], now: number): void;
  /** Envelopes kept for (author, stream, seq): more than one is equivocation. */
  at(author: string, stream: string, seq: number): Envelope[];
  /** Kept envelopes of one stream with fromSeq <= seq <= toSeq, in order. */
  range(author: string, stream: string, fromSeq: number, toSeq: number): Envelope[];
  /** Everything kept, oldest first. */
  snapshot(): KeptEnvelope[];
  size(): number;
}

const keyOf = (author: string, stream: string, seq: number) => `${author}|${stream}|${seq}`;

export const makeWindow = (
  room: string,
  store: WindowStore,
  limits: Pick<PresenceLimits, 'windowEnvelopes' | 'windowMs' | 'windowHardCap'>,
): { window: ConversationWindow; heads: StreamRecord[] } => {
  const kept: KeptEnvelope[] = [];
  const index = new Map<string, Envelope[]>();
  const remember = (item: KeptEnvelope) => {
    kept.push(item);
    const { author, seq } = item.envelope.header;
    const key = keyOf(author, item.envelope.stream, seq);
    index.set(key, [...(index.get(key) ?? []), item.envelope]);
  };
  const loaded = store.load(room);
  for (const { wire, receivedAt } of loaded.envelopes)
    remember({ envelope: openEnvelope(wire), receivedAt });

  const trim = (now: number) => {
    let excess = 0;
    while (excess < kept.length - limits.windowEnvelopes) {
      const oldest = kept[excess]!;
      if (
        kept.length - excess <= limits.windowHardCap &&
        oldest.receivedAt >= now - limits.windowMs
      )
        break;
      excess += 1;
    }
    if (excess === 0) return;
    const gone = kept.splice(0, excess);
    for (const { envelope } of gone) {
      const key = keyOf(envelope.header.author, envelope.stream, envelope.header.seq);
      const rest = (index.get(key) ?? []).filter(e => e.id !== envelope.id);
      if (rest.length) index.set(key, rest);
      else index.delete(key);
    }
    store.forget(
      room,
      gone.map(g => g.envelope.id),
    );
  };

  const window: ConversationWindow = {
    add(envelopes, heads, now) {
      const fresh = envelopes.filter(
        e =>
          !(index.get(keyOf(e.header.author, e.stream, e.header.seq)) ?? []).some(
            k => k.id === e.id,
          ),
      );
      store.save(
        room,
        fresh.map(e => ({ id: e.id, wire: e.wire, receivedAt: now })),
        heads,
      );
      for (const envelope of fresh) remember({ envelope, receivedAt: now });
      trim(now);
    },
    at: (author, stream, seq) => index.get(keyOf(author, stream, seq)) ?? [],
    range(author, stream, fromSeq, toSeq) {
      const found: Envelope[] = [];
      for (let seq = fromSeq; seq <= toSeq; seq += 1)
        found.push(...(index.get(keyOf(author, stream, seq)) ?? []));
      return found;
    },
    snapshot: () => harden(kept.map(k => ({ envelope: k.envelope, receivedAt: k.receivedAt }))),
    size: () => kept.length,
  };
  return { window: harden(window), heads: loaded.heads };
};
harden(makeWindow);
