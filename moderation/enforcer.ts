// moderation/enforcer.ts: the room host's side of moderation. It carries out
// an auditor's action only with the moderation archive's receipt for it: the
// operator signed a checkpoint whose tree holds exactly this action, signed by
// the auditor. An action that was not logged is refused (`[not-logged]`), and
// a receipt works once, also across restarts: the receipts applied are kept
// in the host vat's tables before the call returns.
import { makeExo } from '@endo/exo';
import { short, type VatId } from '../captp-transport/index.js';
import type { Room } from '../unum/index.js';
import type { Vat } from '../vat/index.js';
import { openAction, type SignedAction } from './action.js';
import { verifyReceipt, type Receipt } from './archive.js';
import { RoomEnforcerI } from './facets.js';

const MIGRATIONS = harden([
  'CREATE TABLE IF NOT EXISTS moderation_applied (leaf TEXT PRIMARY KEY, room TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL)',
]);

export interface RoomEnforcer {
  apply(
    body: { caseId: string; label: string; signed: SignedAction },
    receipt: Receipt,
  ): Promise<void>;
  applyRuleset(
    body: { room: string; ruleset: Record<string, unknown>; label: string },
    receipt: Receipt,
  ): Promise<void>;
}

export const makeRoomEnforcer = (
  vat: Pick<Vat, 'tables'>,
  room: Room,
  operator: VatId,
): RoomEnforcer => {
  const db = vat.tables('moderation.enforcer', MIGRATIONS);
  const wasApplied = db.prepare('SELECT 1 FROM moderation_applied WHERE leaf = ?');
  const markApplied = db.prepare(
    'INSERT INTO moderation_applied (leaf, room, kind, at) VALUES (?, ?, ?, ?)',
  );
  /** Receipts being carried out now: a second presentation meanwhile is refused too. */
  const applying = new Set<string>();
  const name = () => JSON.stringify(room.snapshot().name);

  const once = async (
    kind: 'action' | 'ruleset',
    body: unknown,
    receipt: Receipt,
    carryOut: () => Promise<void>,
  ) => {
    try {
      verifyReceipt(receipt, operator, { kind, body });
    } catch (error) {
      throw Error(
        `[not-logged] room ${name()} applies only logged ${kind}s: ${(error as Error).message}`,
      );
    }
    if (applying.has(receipt.leaf) || wasApplied.get(receipt.leaf))
      throw Error(
        `[already-applied] that logged ${kind} was carried out already in room ${name()}`,
      );
    applying.add(receipt.leaf);
    try {
      await carryOut();
      markApplied.run(receipt.leaf, room.room, kind, Date.now());
    } finally {
      applying.delete(receipt.leaf);
    }
  };

  const methods: RoomEnforcer = {
    apply: (body, receipt) =>
      once('action', body, receipt, async () => {
        const signer = JSON.parse(body.signed.action).auditor as VatId;
        const action = openAction(body.signed, signer);
        if (action.room !== room.room)
          throw Error(`[bad-action] the action is for room ${action.room}, not ${room.room}`);
        const reason = `${action.reason} (case ${action.caseId}, auditor ${body.label})`;
        const { admin } = room;
        const { target, durationMs } = action;
        if (action.action === 'kick') await admin.kick(target, reason);
        else if (action.action === 'ban') await admin.ban(target, { durationMs, reason });
        else if (action.action === 'unban') await admin.unban(target, reason);
        else await admin.mute(target, action.action === 'mute', { durationMs, reason });
      }),
    /** A ruleset an admin auditor set: logged (kind `ruleset`) before it takes effect here. */
    applyRuleset: (body, receipt) =>
      once('ruleset', body, receipt, async () => {
        if (body.room !== room.room)
          throw Error(`[bad-action] the ruleset is for room ${body.room}, not ${room.room}`);
        await room.admin.setRuleset(body.ruleset);
      }),
  };
  return makeExo(
    `RoomEnforcer ${room.room}`,
    RoomEnforcerI,
    methods as never,
  ) as unknown as RoomEnforcer;
};
harden(makeRoomEnforcer);

/** What any vat but the operator's gets for the enforcer's sturdy ref: a refusal. */
export const makeRefusingEnforcer = (room: string, peer: VatId) => {
  const refuse = async () => {
    throw Error(`[not-yours] vat ${short(peer)} is not the moderation service of room ${room}`);
  };
  return makeExo(`RoomEnforcer ${room} (refusing ${short(peer)})`, RoomEnforcerI, {
    apply: refuse,
    applyRuleset: refuse,
  });
};
harden(makeRefusingEnforcer);
