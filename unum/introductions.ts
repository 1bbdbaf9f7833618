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

/**
 * From the newcomer alone, before the serial part of its join: a gift to its
 * inbox for each of `others`, bounded in time as one step (a newcomer that
 * does not answer costs only itself). A missing one is asked for again at
 * introduction.
 */
export const giftsFromNewcomer = async (
  link: ERef<MemberLink>,
  others: VatId[],
  timeoutMs: number,
): Promise<ReadonlyMap<VatId, string>> => {
  const gifts = new Map<VatId, string>();
  await withTimeout(
    Promise.all(
      others.map(other =>
        Promise.resolve(E(link).inboxGiftFor(other)).then(
          gift => void gifts.set(other, gift),
          () => undefined,
        ),
      ),
    ),
    timeoutMs,
    `asking the newcomer for ${others.length} inbox gifts`,
  ).catch(() => undefined);
  return gifts;
};
harden(giftsFromNewcomer);

export const introducePeers = async (
  newcomer: VatId,
  link: ERef<MemberLink>,
  members: ReadonlyMap<VatId, { link: ERef<MemberLink> }>,
  fromNewcomer: ReadonlyMap<VatId, string>,
  timeoutMs: number,
): Promise<Introduction[]> => {
  const others = [...members.entries()].filter(([other]) => other !== newcomer);
  const pairs = await Promise.all(
    others.map(async ([other, record]) => {
      try {
        const [toNewcomer, toOther] = await withTimeout(
          Promise.all([
            fromNewcomer.get(other) ?? E(link).inboxGiftFor(other),
            E(record.link).inboxGiftFor(newcomer),
          ]),
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
