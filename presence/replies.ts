// presence/replies.ts: what a peer's inbox answers is peer data too. The
// inbox's guards check only what we answer, so every reply we ask for passes
// these shapes before the presence uses it; a reply that does not is refused
// whole and counted as a `bad-reply` drop.
import { M, matches } from '@endo/patterns';
import { GENESIS } from './envelope.js';
import { HISTORY_RANGE, HeadsReplyShape, WireEnvelopeShape, type StreamHead } from './inbox.js';

export interface HeadsReply {
  public: StreamHead;
  direct: StreamHead;
  /** How many of our deliveries the peer's inbox for us has taken (§5.10). */
  delivered: number;
}
const EnvelopeListShape = M.arrayOf(WireEnvelopeShape, { arrayLengthLimit: HISTORY_RANGE });

const isHead = (head: StreamHead) =>
  Number.isSafeInteger(head.seq) &&
  /^[0-9a-f]{64}$/.test(head.id) &&
  (head.seq > 0 || head.id === GENESIS);

/** A peer's `heads()` answer, or why it is refused. */
export const checkHeadsReply = (
  reply: unknown,
): { ok: true; heads: HeadsReply } | { ok: false; why: string } => {
  if (!matches(reply, HeadsReplyShape))
    return {
      ok: false,
      why: 'heads reply is not { public, direct, delivered } (heads of { seq, id }, a count)',
    };
  const heads = reply as unknown as HeadsReply;
  if (!Number.isSafeInteger(heads.delivered))
    return { ok: false, why: 'heads reply has a delivery count that is not a whole number' };
  if (!isHead(heads.public) || !isHead(heads.direct))
    return { ok: false, why: 'heads reply names a seq or id that cannot be a chain head' };
  return { ok: true, heads };
};
harden(checkHeadsReply);

/** A peer's `history` or `recent` answer: an array of at most HISTORY_RANGE wire envelopes. */
export const isEnvelopeList = (reply: unknown): reply is unknown[] =>
  matches(reply, EnvelopeListShape);
harden(isEnvelopeList);
