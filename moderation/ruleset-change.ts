// moderation/ruleset-change.ts: a room's new ruleset, the operator's side. It
// is checked, logged (kind `ruleset`), and only then handed with the log's
// receipt to the room's enforcer, which signs it into the room's state. An
// admin auditor (auditor.ts) and the room's own host (the intake, service.ts)
// both come this way, so every ruleset a moderated room ever had is in its log.
import { E } from '@endo/far';
import type { EntryKind, Receipt } from './archive.js';
import { checkRuleset } from './filter.js';
import type { RoomRegistry } from './room-registry.js';

export type RulesetBody = { room: string; ruleset: Record<string, unknown>; label: string } & (
  | { auditor: string }
  | { host: string }
);

export const changeRuleset = async (
  deps: { rooms: RoomRegistry; log(kind: EntryKind, body: unknown): Promise<Receipt> },
  body: RulesetBody,
): Promise<Receipt> => {
  checkRuleset(body.ruleset);
  deps.rooms.need(body.room);
  const receipt = await deps.log('ruleset', body);
  await E(await deps.rooms.enforcer(body.room)).applyRuleset(harden(body), harden({ ...receipt }));
  return receipt;
};
harden(changeRuleset);
