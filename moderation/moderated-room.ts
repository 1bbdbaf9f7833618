// moderation/moderated-room.ts: a chat room that reports to an operator's
// moderation service. The host registers the room with the service's intake:
// its signed roster and a sturdy ref to its enforcer (only the operator's vat
// gets the enforcer itself), so the service reaches the room again after
// either side restarts. Each joining member is introduced to its own report
// facet there. The intake is fetched again when its session broke, and a room
// the service does not know (any more) is registered again. The owner sets
// rulesets through the service too, so each is in the log (setRuleset).
import { E } from '@endo/far';
import type { TypeFromInterfaceGuard } from '@endo/patterns';
import type { VatId } from '../captp-transport/index.js';
import {
  createRoom as createChatRoom,
  replicaIds,
  type HeldSnapshot,
  type Room,
} from '../unum/index.js';
import { makeLiveRef, type Vat } from '../vat/index.js';
import { makeRefusingEnforcer, makeRoomEnforcer, type RoomEnforcer } from './enforcer.js';
import type { Receipt } from './archive.js';
import type { IntakeI } from './facets.js';
import { moderationHost, type CreateRoomOptions } from './room.js';

type Intake = TypeFromInterfaceGuard<typeof IntakeI>;

export interface ModeratedRoom extends Room {
  /** The enforcer the moderation service acts through (it checks every receipt). */
  readonly enforcer: RoomEnforcer;
  readonly operator: VatId;
  /**
   * The owner's ruleset change, logged: the moderation service checks and logs
   * it, then has the enforcer sign it into the room's state. Resolves with the
   * log's receipt once members can see it. (admin.setRuleset would skip the log.)
   */
  setRuleset(ruleset: Record<string, unknown>): Promise<Receipt>;
}

export const createModeratedRoom = async (
  vat: Vat,
  opts: Omit<CreateRoomOptions, 'onReport'> & { moderation: string },
): Promise<ModeratedRoom> => {
  const { moderation, ...roomOpts } = opts;
  const intake = makeLiveRef<Intake>(vat, moderation);
  const { operator } = (await E(await intake.get()).describe()) as { operator: VatId };
  let roomId = '';
  let register = async () => {};
  /** Asks the intake; when the service lost the room, tells it again and asks once more. */
  const askIntake = async <T>(ask: (it: Intake) => Promise<T>): Promise<T> => {
    try {
      return await ask(await intake.get());
    } catch (error) {
      if (!/^\[unknown-room\]/.test((error as Error).message)) throw error;
      await register();
      return ask(await intake.get());
    }
  };
  const reportGiftFor = (member: VatId) =>
    askIntake(it => E(it).reportGiftFor(roomId, member) as Promise<string>);
  const room = await createChatRoom(vat, {
    ...roomOpts,
    extension: moderationHost(async member => harden({ report: await reportGiftFor(member) })),
  });
  roomId = room.room;
  const enforcer = makeRoomEnforcer(vat, room, operator);
  const enforcerRef = vat.exportPerPeer(
    peer => (peer === operator ? enforcer : makeRefusingEnforcer(room.room, peer)),
    {
      name: `moderation:enforcer:${room.room}`,
    },
  );
  register = async () => E(await intake.get()).registerRoom(room.signedRoster(), enforcerRef);
  await register();
  // With replicas: the service checks members' rosters and evidence against the set, so it hears of each new one.
  const setOf = (snapshot: HeldSnapshot) =>
    snapshot.v === 2 ? JSON.stringify(replicaIds(snapshot)) : '';
  let registeredSet = setOf(room.snapshot());
  room.onSnapshot(snapshot => {
    if (setOf(snapshot) === registeredSet) return;
    registeredSet = setOf(snapshot);
    void register().catch(() => {}); // askIntake registers again when the service says it lost the room
  });
  // With replicas: what one of them signed against itself goes to the service as a report against it.
  room.onEvidence?.(evidence => {
    // Registered again first: the service checks the replica against the set it holds, which may be older.
    void register()
      .then(() => askIntake(it => E(it).reportReplica(roomId, evidence)))
      .catch(error =>
        console.error(
          `stoa: evidence against a replica of ${roomId} was not filed: ${(error as Error).message}`,
        ),
      );
  });
  return harden({
    ...room,
    enforcer,
    operator,
    setRuleset: (ruleset: Record<string, unknown>) =>
      askIntake(it => E(it).setRuleset(roomId, ruleset) as Promise<Receipt>),
  });
};
harden(createModeratedRoom);
