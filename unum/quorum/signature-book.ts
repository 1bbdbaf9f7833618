// unum/quorum/signature-book.ts: the replicas' signatures over candidate
// snapshots, per cseq: it says when one text has a majority of the set in
// force (a certified snapshot), and keeps what a replica signed against
// itself (docs/protocol.md §4.8.6) as evidence.
import type { VatId } from '../../captp-transport/index.js';
import { parseQuorumSnapshot, replicaSignatureHolds, type CertifiedSnapshot } from './certified.js';
import type { Evidence } from './evidence.js';
import { entryOf } from './map-entry.js';
import { majorityOf } from './order.js';

export interface Signed {
  cseq: number;
  /** Set when this signature completed a majority for its text. */
  certified?: CertifiedSnapshot;
  /** Evidence this signature (or the majority it completed) made against a replica. */
  evidence: Evidence[];
}

export interface SignatureBook {
  /** Records `by`'s signature over a snapshot text; throws `[bad-snapshot]` for a bad text or signature. */
  add(text: string, sig: string, by: VatId, set: readonly VatId[]): Signed;
  /** The text `by` signed for `cseq`, with its signature. */
  signedBy(by: VatId, cseq: number): { snapshot: string; sig: string } | undefined;
  /** Forgets every cseq below `cseq`. */
  forgetBelow(cseq: number): void;
}

export const makeSignatureBook = (room: string): SignatureBook => {
  /** cseq → text → signer → sig */
  const byText = new Map<number, Map<string, Map<VatId, string>>>();
  /** cseq → signer → the first text it signed (what evidence is made of) */
  const byReplica = new Map<number, Map<VatId, { snapshot: string; sig: string }>>();
  const certifiedAt = new Map<number, string>();

  const certificate = (cseq: number, text: string): CertifiedSnapshot =>
    harden({
      snapshot: text,
      sigs: [...byText.get(cseq)!.get(text)!].map(([by, sig]) => harden({ by, sig })),
    });

  const againstMajority = (cseq: number, text: string): Evidence[] =>
    [...(byReplica.get(cseq) ?? [])]
      .filter(([, statement]) => statement.snapshot !== text)
      .map(([replica, first]) =>
        harden({
          v: 1 as const,
          kind: 'against-majority' as const,
          room,
          replica,
          cseq,
          first,
          second: certificate(cseq, text),
        }),
      );

  return harden({
    add(text: string, sig: string, by: VatId, set: readonly VatId[]): Signed {
      const { cseq } = parseQuorumSnapshot(text, room);
      if (!set.includes(by) || !replicaSignatureHolds(text, { by, sig }))
        throw Error(
          `[bad-snapshot] a signature over cseq ${cseq} of ${room} is not one of a replica in force`,
        );
      const evidence: Evidence[] = [];
      const mine = entryOf(byReplica, cseq, () => new Map());
      const first = mine.get(by);
      if (!first) mine.set(by, harden({ snapshot: text, sig }));
      else if (first.snapshot !== text)
        evidence.push(
          harden({
            v: 1,
            kind: 'double-sign',
            room,
            replica: by,
            cseq,
            first,
            second: harden({ snapshot: text, sigs: [harden({ by, sig })] }),
          }),
        );
      const texts = entryOf(byText, cseq, () => new Map<string, Map<VatId, string>>());
      const signers = entryOf(texts, text, () => new Map<VatId, string>());
      signers.set(by, sig);
      const inForce = [...signers.keys()].filter(s => set.includes(s)).length;
      const majority = certifiedAt.get(cseq);
      if (majority === undefined && inForce >= majorityOf(set.length)) {
        certifiedAt.set(cseq, text);
        return harden({
          cseq,
          certified: certificate(cseq, text),
          evidence: [...evidence, ...againstMajority(cseq, text)],
        });
      }
      if (majority !== undefined && majority !== text && !first)
        evidence.push(...againstMajority(cseq, majority).filter(e => e.replica === by));
      return harden({ cseq, evidence });
    },
    signedBy: (by: VatId, cseq: number) => byReplica.get(cseq)?.get(by),
    forgetBelow(cseq: number) {
      for (const map of [byText, byReplica, certifiedAt])
        for (const key of map.keys()) if (key < cseq) map.delete(key);
    },
  });
};
harden(makeSignatureBook);
