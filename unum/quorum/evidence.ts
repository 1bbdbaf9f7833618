// unum/quorum/evidence.ts: what a replica signed against itself (docs/protocol.md
// §4.8.6): two different snapshots for one cseq under its own signature
// (`double-sign`), or one that differs from the snapshot a majority signed for
// that cseq (`against-majority`). Either is checkable by anyone holding it,
// with nothing but the replicas' keys, so a member or a replica that holds it
// files it with the moderation service as a report against that replica.
import type { VatId } from '../../captp-transport/index.js';
import {
  parseQuorumSnapshot,
  replicaIds,
  replicaSignatureHolds,
  validSigners,
  type CertifiedSnapshot,
} from './certified.js';
import { majorityOf } from './order.js';

export type EvidenceKind = 'double-sign' | 'against-majority';

export interface Evidence {
  v: 1;
  kind: EvidenceKind;
  room: string;
  replica: VatId;
  cseq: number;
  /** A snapshot text with the replica's signature. */
  first: { snapshot: string; sig: string };
  /** double-sign: another text for that cseq with its signature; against-majority: the text a majority of the set it names signed. */
  second: CertifiedSnapshot;
}

/** Checks evidence; returns it. Throws `[bad-evidence]`. */
export const checkEvidence = (evidence: Evidence): Evidence => {
  const bad = (why: string): never => {
    throw Error(`[bad-evidence] evidence against a replica ${why}`);
  };
  const e = evidence;
  if (e?.v !== 1 || (e.kind !== 'double-sign' && e.kind !== 'against-majority'))
    bad('is not version 1 of a known kind');
  if (typeof e.room !== 'string' || e.room.length > 200) bad('names no room');
  if (typeof e.replica !== 'string' || e.replica.length > 60) bad('names no replica');
  if (!Number.isSafeInteger(e.cseq) || e.cseq < 0) bad('names no cseq');
  if (typeof e.first?.snapshot !== 'string' || typeof e.second?.snapshot !== 'string')
    bad('does not hold two snapshots');
  if (e.first.snapshot === e.second.snapshot) bad('holds the same snapshot twice');
  let first: ReturnType<typeof parseQuorumSnapshot>;
  let second: ReturnType<typeof parseQuorumSnapshot>;
  try {
    first = parseQuorumSnapshot(e.first.snapshot, e.room);
    second = parseQuorumSnapshot(e.second.snapshot, e.room);
  } catch (error) {
    return bad(`holds a snapshot that is not well formed: ${(error as Error).message}`);
  }
  if (first.cseq !== e.cseq || second.cseq !== e.cseq) bad(`is not about cseq ${e.cseq}`);
  if (!replicaSignatureHolds(e.first.snapshot, { by: e.replica, sig: e.first.sig }))
    bad('holds a first snapshot the replica did not sign');
  if (e.kind === 'double-sign') {
    if (validSigners(e.second.snapshot, e.second.sigs, [e.replica]).length !== 1)
      bad('holds a second snapshot the replica did not sign');
  } else {
    const set = replicaIds(second);
    if (!set.includes(e.replica)) bad('names a vat that is not in the replica set');
    const needed = majorityOf(set.length);
    if (validSigners(e.second.snapshot, e.second.sigs, set).length < needed)
      bad(`holds a second snapshot without ${needed} signatures of its replica set`);
  }
  return harden(e);
};
harden(checkEvidence);
