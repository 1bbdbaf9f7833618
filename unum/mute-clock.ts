// unum/mute-clock.ts: ends timed mutes. Members already stop treating a
// member as muted when its `mutedUntil` passes (roster-view.ts); the host
// then signs the unmute, so the roster and the room's notice say so too.
import type { VatId } from '../captp-transport/index.js';
import type { Member } from './snapshot.js';

export interface MuteClock {
  /** Sets the one timer for the earliest timed mute among `members`. */
  arm(members: readonly Member[]): void;
  stop(): void;
}

/** `due` gets the members whose mute has ended, once the earliest one ends. */
export const makeMuteClock = (due: (vatIds: VatId[]) => void): MuteClock => {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = (members: readonly Member[]) => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    const timed = members.filter(m => m.muted && m.mutedUntil);
    if (!timed.length) return;
    const next = Math.min(...timed.map(m => m.mutedUntil!));
    // setTimeout takes at most 2^31 − 1 ms: a longer mute is looked at again then.
    timer = setTimeout(
      () => {
        const now = Date.now();
        const ended = timed.filter(m => m.mutedUntil! <= now).map(m => m.vatId);
        if (ended.length) due(ended);
        else arm(members);
      },
      Math.min(Math.max(0, next - Date.now()), 2 ** 31 - 1),
    );
    timer.unref();
  };
  return harden({
    arm,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  });
};
harden(makeMuteClock);
