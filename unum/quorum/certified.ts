// unum/quorum/certified.ts: the critical state of a replicated room, signed
// by each replica on its own and accepted only over the signatures of a
// majority of the replica set in force (docs/protocol.md §4.8.1):
//
//   snapshot  = v1's fields with v:2, and replicas, capacity, open, at, request
//   text      = canonical(snapshot); sig = Ed25519(replica, "stoa/roster/v2\n" + text)
//   certified = { snapshot: text, sigs: [{ by, sig }, …] }   (N_majority of them or more)
//
// A member trusts the replica set of the snapshot it holds; a snapshot naming
// a new set is accepted over the old set's majority, and the new set signs
// the ones after it.
import { createHash } from 'node:crypto';
import { M, matches } from '@endo/patterns';
import {
  checkVatId,
  domainSignatureHolds,
  short,
  signWithDomain,
  type VatId,
} from '../../captp-transport/index.js';
import { canonical } from '../../presence/index.js';
import { MAX_REF_CHARS, parseRef, VatIdShape } from '../../vat/index.js';
import { CountShape, NoticeShape, SNAPSHOT_FIELDS, type Snapshot } from '../snapshot.js';
import { majorityOf } from './order.js';

export const QUORUM_SNAPSHOT_DOMAIN = 'stoa/roster/v2\n';
/** Replicas a room may have at most (an odd number once its set is complete). */
export const MAX_REPLICAS = 7;

export interface QuorumSnapshot<State = unknown> extends Omit<Snapshot<State>, 'v'> {
  v: 2;
  /** The replica set in rank order; the next snapshot needs a majority of these. */
  replicas: ReplicaEntry[];
  capacity: number;
  open: boolean;
  /** The quorum time of the request that made this change (0 for the first snapshot): the change's clock. */
  at: number;
  /** The id of that request (`""` for the first snapshot). */
  request: string;
  /** Members some replicas said are gone (`gone` requests), not yet a majority of them: by whom, since when (the first vote's quorum time). */
  away?: AwayVotes[];
}

export interface AwayVotes {
  vatId: VatId;
  by: VatId[];
  since: number;
}

/** A replica: its VatId and the sturdy ref of its door (members and the other replicas reach it there). */
export interface ReplicaEntry {
  vatId: VatId;
  ref: string;
}

/** The VatIds of a snapshot's replica set, in rank order. */
export const replicaIds = (snapshot: Pick<QuorumSnapshot, 'replicas'>): VatId[] =>
  snapshot.replicas.map(r => r.vatId);
harden(replicaIds);

export interface ReplicaSignature {
  by: VatId;
  sig: string;
}

export interface CertifiedSnapshot {
  snapshot: string;
  sigs: ReplicaSignature[];
}

export const snapshotHash = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('base64url');
harden(snapshotHash);

export const signQuorumSnapshot = (
  snapshot: QuorumSnapshot,
  sign: (message: Uint8Array) => Uint8Array,
): { text: string; sig: string } => {
  const text = canonical(snapshot);
  return harden({ text, sig: signWithDomain(QUORUM_SNAPSHOT_DOMAIN, text, sign) });
};
harden(signQuorumSnapshot);

export const replicaSignatureHolds = (text: string, { by, sig }: ReplicaSignature): boolean =>
  typeof by === 'string' &&
  typeof sig === 'string' &&
  domainSignatureHolds(QUORUM_SNAPSHOT_DOMAIN, text, sig, by);
harden(replicaSignatureHolds);

const QuorumSnapshotShape = M.splitRecord(
  {
    v: 2,
    ...SNAPSHOT_FIELDS,
    replicas: M.arrayOf(
      harden({ vatId: VatIdShape, ref: M.string({ stringLengthLimit: MAX_REF_CHARS }) }),
      { arrayLengthLimit: MAX_REPLICAS },
    ),
    capacity: CountShape,
    open: M.boolean(),
    at: CountShape,
    request: M.string({ stringLengthLimit: 43 }),
  },
  {
    notice: NoticeShape,
    away: M.arrayOf(
      harden({
        vatId: VatIdShape,
        by: M.arrayOf(VatIdShape, { arrayLengthLimit: MAX_REPLICAS }),
        since: CountShape,
      }),
      { arrayLengthLimit: 10_000 },
    ),
  },
);

const badSnapshot = (room: string, why: string): never => {
  throw Error(`[bad-snapshot] replicated roster of ${room} ${why}`);
};

/** Checks a v2 snapshot's text for its form and room (not its signatures). Throws `[bad-snapshot]`. */
export const parseQuorumSnapshot = <State>(text: string, room?: string): QuorumSnapshot<State> => {
  const where = typeof room === 'string' ? room.slice(0, 200) : 'a room';
  if (typeof text !== 'string' || text.length > 1 << 20) badSnapshot(where, 'is not a text');
  let s: QuorumSnapshot<State>;
  try {
    s = JSON.parse(text);
  } catch {
    return badSnapshot(where, 'is not JSON');
  }
  if (s?.v !== 2) badSnapshot(where, 'is not version 2');
  if (room !== undefined && s.room !== room) badSnapshot(where, 'is for another room');
  harden(s);
  if (!matches(s, QuorumSnapshotShape))
    badSnapshot(where, 'is not in the form of a replicated roster (docs/protocol.md §4.8.1)');
  const ids = replicaIds(s);
  if (ids.length === 0 || new Set(ids).size !== ids.length)
    badSnapshot(where, 'names an empty or repeated replica set');
  for (const vatId of [...ids, ...s.members.map(m => m.vatId)]) checkVatId(vatId);
  for (const { vatId, ref } of s.replicas) {
    let named: string | undefined;
    try {
      named = parseRef(ref, 's').vatId;
    } catch {}
    if (named !== vatId)
      badSnapshot(where, `names a door for replica ${short(vatId)} that is not its own`);
  }
  return s;
};
harden(parseQuorumSnapshot);

/** The distinct replicas of `set` whose signatures over `text` hold. */
export const validSigners = (
  text: string,
  sigs: readonly ReplicaSignature[],
  set: readonly VatId[],
): VatId[] => {
  const signers = new Set<VatId>();
  for (const s of Array.isArray(sigs) ? sigs.slice(0, 2 * MAX_REPLICAS) : []) {
    if (set.includes(s?.by) && !signers.has(s.by) && replicaSignatureHolds(text, s))
      signers.add(s.by);
  }
  return [...signers];
};
harden(validSigners);

/**
 * Accepts a certified snapshot: its form and room, and signatures from a
 * majority of `trusted` (the replica set of the snapshot the member holds, or
 * the room's first set). Throws `[bad-snapshot]`.
 */
export const openCertified = <State>(
  certified: CertifiedSnapshot,
  trusted: readonly VatId[],
  room?: string,
): QuorumSnapshot<State> => {
  const where = typeof room === 'string' ? room.slice(0, 200) : 'a room';
  if (typeof certified?.snapshot !== 'string' || !Array.isArray(certified.sigs))
    badSnapshot(where, 'is not a certified snapshot');
  const snapshot = parseQuorumSnapshot<State>(certified.snapshot, room);
  const signers = validSigners(certified.snapshot, certified.sigs, trusted);
  const needed = majorityOf(trusted.length);
  if (signers.length < needed)
    badSnapshot(
      where,
      `at cseq ${snapshot.cseq} carries ${signers.length} good signatures of replicas in force, not the ${needed} a majority of ${trusted.length} needs`,
    );
  return snapshot;
};
harden(openCertified);
