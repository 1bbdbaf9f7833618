// presence/inbox.ts: the facet one peer holds on a presence: made for that
// peer alone (so every call on it is known to come from that peer) and
// revocable (a kicked member's inbox stops working). Everything a peer sends
// passes the guards below before the presence sees it.
import { M } from '@endo/patterns';
import { makeExo } from '@endo/exo';
import { short, type VatId } from '../captp-transport/index.js';
import { VatIdShape } from '../vat/index.js';
import { MAX_DELIVERY_ITEM_CHARS } from './delivery-form.js';
import type { WireEnvelope } from './envelope.js';

/** Envelopes in one delivery, at most: a wire limit (`maxBatch` may not exceed it). */
export const MAX_BATCH = 64;
/** Seqs one history call covers, at most (gap fill, witnesses). */
export const HISTORY_RANGE = 256;
/** Live values one presence keeps, and so one `live` call carries, at most. */
export const MAX_LIVE_KEYS = 32;

export const WireEnvelopeShape = M.splitRecord(
  { header: M.string({ stringLengthLimit: 4096 }), sig: M.string({ stringLengthLimit: 90 }) },
  { content: M.string({ stringLengthLimit: 16_384 }), salt: M.string({ stringLengthLimit: 24 }) },
  harden({}), // nothing else: an envelope with extra fields is refused at the guard
);
/** What a delivery carries: an envelope's record, or the delivery form of the sender's own line (§5.14). */
export type DeliveryItem = WireEnvelope | string;
const DeliveryItemShape = M.or(
  M.string({ stringLengthLimit: MAX_DELIVERY_ITEM_CHARS }),
  WireEnvelopeShape,
);
/** A count: a chain's seq, or deliveries taken (an acknowledgement, §5.10). */
const CountShape = M.and(M.number(), M.gte(0), M.lte(Number.MAX_SAFE_INTEGER));
/** A chain head as heads() answers it; replies.ts checks a peer's answer against it too. */
export const StreamHeadShape = harden({
  seq: CountShape,
  id: M.string({ stringLengthLimit: 64 }),
});
export const HeadsReplyShape = harden({
  public: StreamHeadShape,
  direct: StreamHeadShape,
  delivered: CountShape,
});

export const PeerInboxI = M.interface('PeerInbox', {
  // Sent one-way (E.sendOnly); `ack` is how many of our deliveries the caller has taken.
  deliver: M.call(
    M.arrayOf(DeliveryItemShape, { arrayLengthLimit: MAX_BATCH }),
    CountShape,
  ).returns(M.undefined()),
  heads: M.call().returns(HeadsReplyShape),
  history: M.call(VatIdShape, VatIdShape, M.number(), M.number()).returns(
    M.arrayOf(WireEnvelopeShape),
  ),
  recent: M.call(M.number()).returns(M.arrayOf(WireEnvelopeShape)),
  // One call per update: the position if it moved (else null) and the live values that changed.
  live: M.call(
    M.or(M.null(), harden([M.number(), M.number()])),
    M.arrayOf(harden([M.string({ stringLengthLimit: 32 }), M.string({ stringLengthLimit: 256 })]), {
      arrayLengthLimit: MAX_LIVE_KEYS,
    }),
  ).returns(M.undefined()),
});

export interface StreamHead {
  seq: number;
  id: string;
}

/** What the presence does with each call, told who made it. */
export interface InboxHandlers {
  /** `delivered` counts the deliveries with envelopes this inbox has taken, this one included. */
  deliver(from: VatId, items: DeliveryItem[], delivered: number): void;
  /** `from` has taken `count` of our deliveries to it. */
  acked(from: VatId, count: number): void;
  /** Our heads `from` may know: our public stream and our direct stream to it. */
  heads(from: VatId): { public: StreamHead; direct: StreamHead };
  history(
    from: VatId,
    author: VatId,
    stream: string,
    fromSeq: number,
    toSeq: number,
  ): WireEnvelope[];
  recent(from: VatId, limit: number): WireEnvelope[];
  position(from: VatId, x: number, y: number): void;
  live(from: VatId, items: Array<[string, string]>): void;
}

export const makePeerInboxKit = (self: VatId, peer: VatId, given: InboxHandlers) => {
  // Dropped on revoke: the peer's captp tables and our gift table may keep
  // this facet for a long time, and they must not keep the presence with it.
  let live: InboxHandlers | undefined = given;
  const check = (): InboxHandlers => {
    if (!live)
      throw Error(
        `[revoked] vat ${short(self)} no longer accepts messages from vat ${short(peer)}`,
      );
    return live;
  };
  /** Deliveries with envelopes taken: the count the peer's acknowledgements are made of. */
  let delivered = 0;
  const inbox = makeExo(`PeerInbox ${short(self)} for ${short(peer)}`, PeerInboxI, {
    deliver(envelopes, ack) {
      const handlers = check();
      handlers.acked(peer, ack as unknown as number);
      if ((envelopes as unknown[]).length === 0) return; // an acknowledgement alone is not acknowledged
      delivered += 1;
      handlers.deliver(peer, envelopes as DeliveryItem[], delivered);
    },
    heads() {
      return harden({ ...check().heads(peer), delivered });
    },
    history(author, stream, fromSeq, toSeq) {
      const handlers = check();
      if (
        !Number.isSafeInteger(fromSeq) ||
        !Number.isSafeInteger(toSeq) ||
        fromSeq < 1 ||
        toSeq < fromSeq ||
        toSeq - fromSeq >= HISTORY_RANGE
      ) {
        throw Error(`[bad-range] history ranges are 1 to ${HISTORY_RANGE} sequence numbers`);
      }
      return harden(handlers.history(peer, author, stream, fromSeq, toSeq));
    },
    recent(limit) {
      return harden(check().recent(peer, Math.max(0, Math.min(HISTORY_RANGE, Math.floor(limit)))));
    },
    live(position, items) {
      const handlers = check();
      const [x, y] = (position ?? []) as number[];
      if (Number.isFinite(x) && Number.isFinite(y)) handlers.position(peer, x!, y!);
      if ((items as unknown[]).length) handlers.live(peer, items as Array<[string, string]>);
    },
  });
  return harden({
    inbox,
    revoke: () => {
      live = undefined;
    },
  });
};
harden(makePeerInboxKit);
export type PeerInbox = ReturnType<typeof makePeerInboxKit>['inbox'];
