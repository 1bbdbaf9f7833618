// presence/replies.ts: what a peer's inbox answers is peer data too. The
// inbox's guards check only what we answer, so every reply we ask for passes
// these shapes before the presence uses it; a reply that does not is refused
// whole and counted as a `bad-reply` drop.
import { M, matches } from '@endo/patterns';
import { GENESIS } from './envelope.js';
import { HISTORY_RANGE, StreamHeadShape, WireEnvelopeShape, type StreamHead } from './inbox.js';
const HeadsReplyShape = harden({ public: StreamHeadShape, direct: StreamHeadShape });
const EnvelopeListShape = M.arrayOf(WireEnvelopeShape, { arrayLengthLimit: HISTORY_RANGE });

const isHead = (head: StreamHead) =>
  Number.isSafeInteger(head.seq) &&
  /^[0-9a-f]{64}$/.test(head.id) &&
  (head.seq > 0 || head.id === GENESIS);

/** A peer's `heads()` answer, or why it is refused. */
export const checkHeadsReply = (
  reply: unknown,
): { ok: true; heads: { public: StreamHead; direct: StreamHead } } | { ok: false; why: string } => {
  if (!matches(reply, HeadsReplyShape))
    return { ok: false, why: 'heads reply is not { public, direct } of { seq, id }' };
  const heads = reply as { public: StreamHead; direct: StreamHead };
  if (!isHead(heads.public) || !isHead(heads.direct))
    return { ok: false, why: 'heads reply names a seq or id that cannot be a chain head' };
  return { ok: true, heads };
};
harden(checkHeadsReply);

/** A peer's `history` or `recent` answer: an array of at most HISTORY_RANGE wire envelopes. */
export const isEnvelopeList = (reply: unknown): reply is unknown[] =>
  matches(reply, EnvelopeListShape);
harden(isEnvelopeList);
