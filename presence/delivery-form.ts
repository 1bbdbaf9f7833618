// presence/delivery-form.ts: the delivery form of a v2 envelope
// (docs/protocol.md §5.14), what a live delivery carries of its sender's own
// lines. It leaves out what the receiver already knows: the author (the
// sender), the room (the inbox's), the recipient (the receiver), the body
// (recomputed from the content), and all but 4 bytes of each key and hash
// (`prev`, and each head's author and id), which the receiver looks up among
// what it holds. It is one string, so the frame spends no field names on it.
//
// The receiver rebuilds the exact v2 header from it, so the signature decides
// as before; a reference that matches nothing it holds, or more than one
// thing, is not guessed at: the form waits for what it names
// (waiting-forms.ts), and after holdMs the receiver asks the sender for the
// whole envelope (presence.ts).
import { boundedMemo, rawKeyOfVatId, type VatId } from '../captp-transport/index.js';
import type { Envelope, EnvelopeHeader, Head, WireEnvelope } from './envelope.js';
import { GENESIS, PUBLIC } from './envelope.js';
import { encodeHeaderV2, MAX_HEADS, malformed, reader, uvarint } from './envelope-v2.js';

/** The first byte of a delivery form: v2, delivered. */
const DELIVERY_FORM = 0x82;
/** Bytes kept of each key and hash the receiver looks up. */
const REF_BYTES = 4;
const REF_HEX = REF_BYTES * 2;
const HAS_TO = 0x01;
/** Longest item a delivery takes: a header of 64 heads, the signature, the salt, 16,384 characters of content. */
export const MAX_DELIVERY_ITEM_CHARS = 18_000;
/** Requests for whole envelopes a presence leaves unanswered per peer, at most: past that, unresolved forms are dropped. */
export const MAX_WHOLE_REQUESTS = 64;

/** Key references, computed once per author: every head of every line names one. */
const keyRef = boundedMemo(4096, (vatId: VatId): string =>
  Buffer.from(rawKeyOfVatId(vatId).subarray(0, REF_BYTES)).toString('hex'),
);

const hexRef = (hex: string) => Buffer.from(hex.slice(0, REF_HEX), 'hex');

/**
 * The delivery form of an envelope we sealed, the same for every peer it goes
 * to; undefined for one that has none (v1, or content withheld), which then
 * travels as its record.
 */
export const deliveryItem = (envelope: Envelope): string | undefined => {
  const { header: h, wire } = envelope;
  if (h.v !== 2 || wire.content === undefined) return undefined;
  const kind = Buffer.from(h.kind, 'ascii');
  const parts: Array<Buffer | number[]> = [
    [DELIVERY_FORM, kind.length],
    kind,
    uvarint(h.epoch),
    uvarint(h.seq),
    h.seq > 1 ? hexRef(h.prev) : [],
    uvarint(h.ts),
    [h.to === undefined ? 0 : HAS_TO],
    [h.heads.length],
    ...h.heads.flatMap(([author, seq, id]) => [
      Buffer.from(keyRef(author), 'hex'),
      uvarint(seq),
      hexRef(id),
    ]),
  ];
  const form = Buffer.concat(parts.map(p => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
  return `${form.toString('base64url')}.${wire.sig}.${wire.salt}.${wire.content}`;
};
harden(deliveryItem);

/** What a receiver holds, to resolve the references of a delivery form. */
export interface HeldKnowledge {
  /** The ids of the envelopes it knows at one place of a chain: the stream's head, its window, what it holds back. */
  idsAt(author: VatId, stream: string, seq: number): readonly string[];
  /** The authors whose public stream it follows. */
  publicAuthors(): Iterable<VatId>;
}

export interface DeliveryContext {
  /** The peer that delivered it: the author. */
  sender: VatId;
  /** This vat: the recipient of a direct one. */
  receiver: VatId;
  room: string;
  known: HeldKnowledge;
}

export type Expansion =
  | { wire: WireEnvelope }
  /** A reference matched nothing held, or more than one thing: ask the sender for `seq` of `stream`. */
  | { unresolved: { stream: string; seq: number; what: string; awaits: string } };

/** What an unresolved form waits for: the place its prev is at. */
const placeKey = (author: VatId, stream: string, seq: number) => `${author}|${stream}|${seq}`;
/** What an unresolved form waits for: a public envelope at `seq` by an author with this key reference. */
const headKey = (authorRef: string, seq: number) => `${authorRef}|${seq}`;

/** The keys an unresolved form may wait on that learning of the envelope at this place satisfies. */
export const keysLearned = (author: VatId, stream: string, seq: number): string[] =>
  stream === PUBLIC
    ? [placeKey(author, stream, seq), headKey(keyRef(author), seq)]
    : [placeKey(author, stream, seq)];
harden(keysLearned);

/** The one id held at a place that starts with `ref`, if exactly one does. */
const onlyMatch = (ids: readonly string[], ref: string): string | undefined => {
  let found: string | undefined;
  for (const id of ids)
    if (id.startsWith(ref) && id !== found) {
      if (found !== undefined) return undefined;
      found = id;
    }
  return found;
};

/** The one (author, id) held for a head's references, if exactly one pair matches. */
const resolveHead = (
  known: HeldKnowledge,
  authorRef: string,
  seq: number,
  idRef: string,
): Head | undefined => {
  let found: Head | undefined;
  for (const author of known.publicAuthors()) {
    if (keyRef(author) !== authorRef) continue;
    const id = onlyMatch(known.idsAt(author, PUBLIC, seq), idRef);
    if (id === undefined) continue;
    if (found !== undefined) return undefined;
    found = [author, seq, id];
  }
  return found;
};

/** Splits an item at its first three dots: the form, the signature, the salt; the content is the rest. */
const splitItem = (item: string) => {
  const a = item.indexOf('.');
  const b = a < 0 ? -1 : item.indexOf('.', a + 1);
  const c = b < 0 ? -1 : item.indexOf('.', b + 1);
  if (c < 0) return malformed('delivery item is not form.sig.salt.content');
  return {
    form: item.slice(0, a),
    sig: item.slice(a + 1, b),
    salt: item.slice(b + 1, c),
    content: item.slice(c + 1),
  };
};

/**
 * Rebuilds the envelope a delivery form stands for, as a record whose header
 * leaves out its body (§5.13), or says which reference it could not resolve.
 * Throws `[malformed]` for an item that is not a delivery form.
 */
export const expandDeliveryItem = (item: string, ctx: DeliveryContext): Expansion => {
  const { form, sig, salt, content } = splitItem(item);
  if (!/^[A-Za-z0-9_-]+$/.test(form)) malformed('delivery form is not base64url');
  const bytes = Buffer.from(form, 'base64url');
  if (bytes.toString('base64url') !== form) malformed('delivery form is not canonical base64url');
  const r = reader(bytes);
  if (r.byte('version') !== DELIVERY_FORM) malformed('delivery form does not start with 0x82');
  const kind = r.take(r.byte('kind length'), 'kind').toString('latin1');
  const epoch = r.uvarint('epoch');
  const seq = r.uvarint('seq');
  if (seq < 1) malformed('seq is not a positive integer');
  const prevRef = seq > 1 ? r.take(REF_BYTES, 'prev').toString('hex') : undefined;
  const ts = r.uvarint('ts');
  const flags = r.byte('flags');
  if ((flags & ~HAS_TO) !== 0) malformed('flags has unknown bits');
  const count = r.byte('heads count');
  if (count > MAX_HEADS) malformed('heads is not a short list');
  const refs: Array<[authorRef: string, seq: number, idRef: string]> = [];
  for (let i = 0; i < count; i += 1) {
    const authorRef = r.take(REF_BYTES, 'head author').toString('hex');
    const headSeq = r.uvarint('head seq');
    if (headSeq < 1) malformed('head is not [author, seq, id]');
    refs.push([authorRef, headSeq, r.take(REF_BYTES, 'head id').toString('hex')]);
  }
  if (r.left() !== 0) malformed('delivery form has bytes after its heads');

  const { sender, receiver, known } = ctx;
  const stream = flags & HAS_TO ? receiver : PUBLIC;
  const unresolved = (what: string, awaits: string): Expansion => ({
    unresolved: { stream, seq, what, awaits },
  });
  const prev =
    prevRef === undefined ? GENESIS : onlyMatch(known.idsAt(sender, stream, seq - 1), prevRef);
  if (prev === undefined) return unresolved('prev', placeKey(sender, stream, seq - 1));
  const heads: Head[] = [];
  for (const [authorRef, headSeq, idRef] of refs) {
    const head = resolveHead(known, authorRef, headSeq, idRef);
    if (head === undefined)
      return unresolved(`head ${heads.length + 1}`, headKey(authorRef, headSeq));
    heads.push(head);
  }
  const header: EnvelopeHeader = {
    v: 2,
    room: ctx.room,
    epoch,
    author: sender,
    seq,
    prev,
    ts,
    heads,
    kind,
    body: '', // left out: the receiver computes it from the content (§5.13)
    ...(stream === PUBLIC ? {} : { to: receiver }),
  };
  return {
    wire: { header: encodeHeaderV2(header).toString('base64url'), sig, content, salt },
  };
};
harden(expandDeliveryItem);
