// moderation/room.ts: the host's side of moderation for any chat room: the
// ruleset an owner sets is checked by the filter before the host signs it,
// and a room without a moderation service may take reports itself through a
// hook (`onReport`): each member is introduced to its own report facet for it,
// so the capability says who reports.
import { makeExo } from '@endo/exo';
import { M } from '@endo/patterns';
import type { Passable } from '@endo/pass-style';
import { short, type VatId } from '../captp-transport/index.js';
import {
  createRoom as createChatRoom,
  DEFAULT_UNUM_LIMITS,
  type CreateRoomOptions as ChatRoomOptions,
  type HostExtension,
  type Member,
  type Room,
} from '../unum/index.js';
import type { Vat } from '../vat/index.js';
import { checkRuleset } from './filter.js';
import { SignedReportShape } from './facets.js';
import type { SignedReport } from './report.js';

export interface CreateRoomOptions extends Omit<ChatRoomOptions, 'extension'> {
  /** Takes members' reports when the room has no moderation service: the signed report and its sender. */
  onReport?: (report: SignedReport, from: Member) => Passable;
}

const ReportHookI = M.interface('ReportHook', {
  submit: M.callWhen(SignedReportShape).returns(M.any()),
  offerWitness: M.call(M.remotable('Witness')).returns(M.undefined()),
  outcomes: M.callWhen(M.number(), M.number()).returns(M.arrayOf(M.record())),
});

/** The host extension of a moderated room: rulesets checked by the filter, and the services each member is introduced to. */
export const moderationHost = (introduce?: HostExtension['introduce']): HostExtension =>
  harden({
    checkRuleset: ruleset => void checkRuleset(ruleset),
    ...(introduce ? { introduce } : {}),
  });
harden(moderationHost);

/** Hosts a chat room in `vat` (see unum's createRoom), its rulesets checked by the filter. */
export const createRoom = async (vat: Vat, opts: CreateRoomOptions): Promise<Room> => {
  const { onReport, ...roomOpts } = opts;
  let room: Room | undefined;
  const hookFor = (vatId: VatId) =>
    makeExo(`ReportHook ${short(vatId)}`, ReportHookI, {
      async submit(signed) {
        const from = room?.roster().find(m => m.vatId === vatId);
        if (!from || !onReport)
          throw Error(
            `[removed] vat ${short(vatId)} is no longer a member of ${room?.room ?? 'the room'}`,
          );
        return onReport(signed as SignedReport, from);
      },
      offerWitness() {}, // a hook does not gather context
      outcomes: async () => harden([]), // nor keep cases: the app's onReport decides
    });
  const ttlMs = { ...DEFAULT_UNUM_LIMITS, ...opts.limits }.inboxGiftTtlMs;
  room = await createChatRoom(vat, {
    ...roomOpts,
    extension: moderationHost(
      onReport
        ? async member => harden({ report: vat.giftFor(hookFor(member), member, { ttlMs }) })
        : undefined,
    ),
  });
  return room;
};
harden(createRoom);
