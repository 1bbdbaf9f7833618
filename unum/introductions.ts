// unum/introductions.ts: the gifts both ways between a newcomer and every
// other member (docs/protocol.md §4.5), each exchange bounded in time. A
// member that does not answer is left out: it is introduced when it
// re-attaches.
import { E, type ERef } from '@endo/far';
import { short, type VatId } from '../captp-transport/index.js';
import type { MemberLink } from './facets.js';
import { withTimeout } from './serial.js';

export interface Introduction {
  other: VatId;
  /** A gift to the newcomer's inbox, for `other`. */
  toNewcomer: string;
  /** A gift to `other`'s inbox, for the newcomer. */
  toOther: string;
}

export const introducePeers = async (
  newcomer: VatId,
  link: ERef<MemberLink>,
  members: ReadonlyMap<VatId, { link: ERef<MemberLink> }>,
  timeoutMs: number,
): Promise<Introduction[]> => {
  const others = [...members.entries()].filter(([other]) => other !== newcomer);
  const pairs = await Promise.all(
    others.map(async ([other, record]) => {
      try {
        const [toNewcomer, toOther] = await withTimeout(
          Promise.all([E(link).inboxGiftFor(other), E(record.link).inboxGiftFor(newcomer)]),
          timeoutMs,
          `introducing ${short(newcomer)} to ${short(other)}`,
        );
        return { other, toNewcomer, toOther };
      } catch {
        return undefined;
      }
    }),
  );
  return pairs.filter((p): p is Introduction => p !== undefined);
};
harden(introducePeers);
