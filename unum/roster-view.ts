// unum/roster-view.ts: the presence layer's view of membership, read from the
// latest signed snapshot a vat holds.
import type { VatId } from '../captp-transport/index.js';
import type { RosterView } from '../presence/index.js';
import type { Member, Snapshot } from './snapshot.js';

/** A timed mute ends by the clock, at every member alike, before the host signs the unmute. */
export const isMutedNow = (member: Member | undefined, now = Date.now()): boolean =>
  member?.muted === true && !(member.mutedUntil && now >= member.mutedUntil);
harden(isMutedNow);

export const makeRosterView = (
  room: string,
  latest: () => Pick<Snapshot, 'members' | 'epoch'> | undefined,
): RosterView => {
  const find = (vatId: VatId) => latest()?.members.find(m => m.vatId === vatId);
  return harden({
    room,
    epoch: () => latest()?.epoch ?? 0,
    isMember: (vatId: VatId) => find(vatId) !== undefined,
    joinedAt: (vatId: VatId) => find(vatId)?.joinedAt,
    isMuted: (vatId: VatId) => isMutedNow(find(vatId)),
  });
};
harden(makeRosterView);
