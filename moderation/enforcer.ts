// moderation/enforcer.ts: the room host's side of moderation.
// It carries out an auditor's action only with the moderation archive's
// receipt for it: the operator signed a checkpoint whose tree holds exactly
// this action, signed by the auditor. An action that was not logged is
// refused (`[not-logged]`), and a receipt is used once.
import { makeExo } from '@endo/exo';
import type { VatId } from '../captp-transport/index.js';
import type { Room } from '../unum/index.js';
import { openAction, type SignedAction } from './action.js';
import { verifyReceipt, type Receipt } from './archive.js';
import { RoomEnforcerI } from './facets.js';

export const makeRoomEnforcer = (room: Room, operator: VatId) => {
  const applied = new Set<string>();
  const methods = {
    async apply(body: { caseId: string; label: string; signed: SignedAction }, receipt: Receipt) {
      try {
        verifyReceipt(receipt, operator, { kind: 'action', body });
      } catch (error) {
        throw Error(`[not-logged] room ${JSON.stringify(room.snapshot().name)} applies only logged actions: ${(error as Error).message}`);
      }
      if (applied.has(receipt.leaf)) throw Error('[already-applied] that logged action was carried out already');
      const signer = JSON.parse(body.signed.action).auditor as VatId;
      const action = openAction(body.signed, signer);
      if (action.room !== room.room) throw Error(`[bad-action] the action is for room ${action.room}`);
      applied.add(receipt.leaf);
      const reason = `${action.reason} (case ${action.caseId}, auditor ${body.label})`;
      if (action.action === 'kick') await room.admin.kick(action.target, reason);
      else if (action.action === 'ban') await room.admin.ban(action.target, { durationMs: action.durationMs, reason });
      else await room.admin.mute(action.target, true);
    },
    /** A ruleset an admin auditor set: logged (kind `ruleset`) before it takes effect here. */
    async applyRuleset(body: { room: string; ruleset: Record<string, unknown>; label: string }, receipt: Receipt) {
      try {
        verifyReceipt(receipt, operator, { kind: 'ruleset', body });
      } catch (error) {
        throw Error(`[not-logged] room ${JSON.stringify(room.snapshot().name)} applies only logged rulesets: ${(error as Error).message}`);
      }
      if (body.room !== room.room) throw Error(`[bad-action] the ruleset is for room ${body.room}`);
      if (applied.has(receipt.leaf)) throw Error('[already-applied] that logged ruleset was set already');
      applied.add(receipt.leaf);
      await room.admin.setRuleset(body.ruleset);
    },
  };
  return makeExo(`RoomEnforcer ${room.room}`, RoomEnforcerI, methods as never) as unknown as {
    apply(body: { caseId: string; label: string; signed: SignedAction }, receipt: Receipt): Promise<void>;
    applyRuleset(body: { room: string; ruleset: Record<string, unknown>; label: string }, receipt: Receipt): Promise<void>;
  };
};
harden(makeRoomEnforcer);
