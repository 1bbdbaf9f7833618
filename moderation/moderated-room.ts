// moderation/moderated-room.ts: a chat room that reports to an
// operator's moderation service. The host registers the room (its signed
// roster and its enforcer) through the service's intake, and introduces each
// joining member to its own report facet there.
import { E } from '@endo/far';
import type { VatId } from '../captp-transport/index.js';
import { createRoom as createChatRoom, type Room } from '../unum/index.js';
import type { Vat } from '../vat/index.js';
import { makeRoomEnforcer } from './enforcer.js';
import { moderationHost, type CreateRoomOptions } from './room.js';

interface Intake {
  describe(): { operator: VatId };
  registerRoom(signed: { snapshot: string; sig: string }, enforcer: unknown): void;
  reportGiftFor(room: string, member: VatId): string;
}

export interface ModeratedRoom extends Room {
  /** The enforcer the moderation service acts through (it checks every receipt). */
  readonly enforcer: ReturnType<typeof makeRoomEnforcer>;
  readonly operator: VatId;
}

export const createModeratedRoom = async (
  vat: Vat,
  opts: Omit<CreateRoomOptions, 'onReport'> & { moderation: string },
): Promise<ModeratedRoom> => {
  const intake = await vat.fetch<Intake>(opts.moderation);
  const { operator } = await E(intake).describe();
  let roomId = '';
  const { moderation, ...roomOpts } = opts;
  void moderation;
  const room = await createChatRoom(vat, {
    ...roomOpts,
    extension: moderationHost(async member => harden({ report: await E(intake).reportGiftFor(roomId, member) })),
  });
  roomId = room.room;
  const enforcer = makeRoomEnforcer(room, operator);
  await E(intake).registerRoom(room.signedRoster(), enforcer);
  return harden({ ...room, enforcer, operator });
};
harden(createModeratedRoom);
