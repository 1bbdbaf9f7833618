// captp-transport/question-drops.ts: an answered question's drop rides on the
// session's next frame instead of going as a frame of its own (docs/protocol.md
// §2.4). A call that is answered cost three frames (call, return, drop); with
// calls in flight the caller's next frame is usually a call of the same turn,
// so the drop costs a few bytes of it, and at the turn's end whatever no frame
// carried leaves as one CTP_DROP naming them all. Only question drops (q-N)
// are held: they release an answer the callee keeps, and nothing the peer
// sends depends on their timing.
import { EPOCH, MAX_DROPS_PER_FRAME } from './frames.js';

type OutFrame = Record<string, unknown>;

/** A drop of one of our questions' answers (whatever its decRefs: the callee only forgets the answer). */
export const isQuestionDrop = (frame: OutFrame): boolean =>
  frame.type === 'CTP_DROP' && typeof frame.slotID === 'string' && frame.slotID.startsWith('q-');

export const makeQuestionDrops = () => {
  let held: string[] = [];
  return harden({
    /** Holds a question drop; true when a frame's worth is held and should leave now (`take`). */
    hold(frame: OutFrame): boolean {
      held.push(frame.slotID as string);
      return held.length >= MAX_DROPS_PER_FRAME;
    },
    /** The frame with the held drops on it (they come first at the peer), or the frame itself. */
    carry(frame: OutFrame): OutFrame {
      if (held.length === 0) return frame;
      const drops = held;
      held = [];
      return { ...frame, drops };
    },
    /** The held drops as one CTP_DROP frame, or undefined when none are held. */
    take(): OutFrame | undefined {
      if (held.length === 0) return undefined;
      const [slotID, ...rest] = held;
      held = [];
      return {
        type: 'CTP_DROP',
        slotID,
        epoch: EPOCH,
        ...(rest.length > 0 ? { drops: rest } : {}),
      };
    },
  });
};
harden(makeQuestionDrops);
harden(isQuestionDrop);

/** The drops a received frame carries, as the CTP_DROP frames captp takes, to dispatch before the frame. */
export const carriedDrops = (frame: OutFrame): OutFrame[] =>
  Array.isArray(frame.drops)
    ? frame.drops.map(slotID => ({ type: 'CTP_DROP', slotID, epoch: EPOCH }))
    : [];
harden(carriedDrops);
