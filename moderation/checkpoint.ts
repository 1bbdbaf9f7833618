// moderation/checkpoint.ts: the operator's signed statement of
// its archive log: its size and root at a moment (after transparency logs'
// checkpoints). Anyone holding two checkpoints and a consistency proof can
// check the log only grew; anyone holding a receipt can check its entry is in.
//   bytes = "stoa/checkpoint/v1\n" + canonical({ v:1, log, operator, size, root, ts })
import {
  domainSignatureHolds,
  short,
  signWithDomain,
  type VatId,
} from '../captp-transport/index.js';
import { canonical } from '../presence/index.js';

export const CHECKPOINT_DOMAIN = 'stoa/checkpoint/v1\n';

export interface Checkpoint {
  v: 1;
  /** The log's name, unique per operator. */
  log: string;
  /** The operator's vat id: the key that signs. */
  operator: VatId;
  size: number;
  /** Hex MTH of the first `size` leaves. */
  root: string;
  ts: number;
}

export interface SignedCheckpoint {
  checkpoint: string;
  sig: string;
}

export const signCheckpoint = (
  checkpoint: Checkpoint,
  sign: (message: Uint8Array) => Uint8Array,
): SignedCheckpoint => {
  const text = canonical(checkpoint);
  return harden({ checkpoint: text, sig: signWithDomain(CHECKPOINT_DOMAIN, text, sign) });
};
harden(signCheckpoint);

/** Checks the operator's signature (and, if given, which operator); returns the checkpoint. */
export const openCheckpoint = (signed: SignedCheckpoint, operator?: VatId): Checkpoint => {
  const bad = (why: string): never => {
    throw Error(`[bad-checkpoint] ${why}`);
  };
  if (typeof signed?.checkpoint !== 'string' || typeof signed.sig !== 'string')
    bad('not a signed checkpoint');
  let checkpoint: Checkpoint;
  try {
    checkpoint = JSON.parse(signed.checkpoint);
  } catch {
    return bad('not JSON');
  }
  if (
    checkpoint.v !== 1 ||
    typeof checkpoint.operator !== 'string' ||
    !Number.isSafeInteger(checkpoint.size) ||
    typeof checkpoint.root !== 'string' ||
    !/^[0-9a-f]{64}$/.test(checkpoint.root)
  ) {
    bad('malformed');
  }
  if (operator !== undefined && checkpoint.operator !== operator)
    bad(`signed by ${short(checkpoint.operator)}, not by operator ${short(operator)}`);
  if (canonical(checkpoint) !== signed.checkpoint) bad('not in canonical form');
  if (!domainSignatureHolds(CHECKPOINT_DOMAIN, signed.checkpoint, signed.sig, checkpoint.operator))
    bad(`signature of operator ${short(checkpoint.operator)} does not hold`);
  return harden(checkpoint);
};
harden(openCheckpoint);
