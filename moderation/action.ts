// moderation/action.ts: an auditor's action, signed by the
// auditor's own vat (docs/protocol.md §6), so the log shows who decided what.
//   bytes = "stoa/action/v1\n" + canonical(action); sig = Ed25519(auditor key, bytes)
import {
  domainSignatureHolds,
  short,
  signWithDomain,
  type VatId,
  peerText,
} from '../captp-transport/index.js';
import { canonical } from '../presence/index.js';

export const ACTION_DOMAIN = 'stoa/action/v1\n';

export type Sanction = 'mute' | 'kick' | 'ban' | 'unmute' | 'unban';
export const SANCTIONS: readonly Sanction[] = harden(['mute', 'kick', 'ban', 'unmute', 'unban']);
/** The sanctions that last: `durationMs` counts for them (0: no end). */
export const TIMED: readonly Sanction[] = harden(['mute', 'ban']);

export interface Action {
  v: 1;
  caseId: string;
  room: string;
  action: Sanction;
  target: VatId;
  /** For a mute or a ban: 0 for no end. Ignored (and 0) for the others. */
  durationMs: number;
  /** The statement of reasons, shown to the target and kept in the log. */
  reason: string;
  auditor: VatId;
  ts: number;
}

export interface SignedAction {
  action: string;
  sig: string;
}

export const signAction = (
  fields: Omit<Action, 'v' | 'ts'>,
  sign: (message: Uint8Array) => Uint8Array,
): SignedAction => {
  const text = canonical({ v: 1, ...fields, ts: Date.now() });
  return harden({ action: text, sig: signWithDomain(ACTION_DOMAIN, text, sign) });
};
harden(signAction);

/** Checks the action's form and that `auditor` signed it. Throws `[bad-action]`. */
export const openAction = (signed: SignedAction, auditor: VatId): Action => {
  const bad = (why: string): never => {
    throw Error(`[bad-action] ${why}`);
  };
  let action: Action;
  try {
    action = JSON.parse(signed.action);
  } catch {
    return bad('not JSON');
  }
  if (
    action.v !== 1 ||
    !SANCTIONS.includes(action.action) ||
    typeof action.reason !== 'string' ||
    !action.reason.trim()
  ) {
    bad(`an action is ${SANCTIONS.join(', ')}, with a statement of reasons`);
  }
  if (!Number.isSafeInteger(action.durationMs) || action.durationMs < 0)
    bad('durationMs must be a whole number of ms, 0 for no end');
  if (action.auditor !== auditor)
    bad(`signed for ${short(peerText(action.auditor, 52))}, presented by ${short(auditor)}`);
  if (canonical(action) !== signed.action) bad('not in canonical form');
  if (!domainSignatureHolds(ACTION_DOMAIN, signed.action, signed.sig, auditor)) {
    bad(`the signature of auditor ${short(auditor)} does not hold`);
  }
  return harden(action);
};
harden(openAction);
