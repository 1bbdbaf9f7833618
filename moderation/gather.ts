// moderation/gather.ts: completing a report from other
// members' windows (docs/protocol.md §6). For each accused it asks the room's
// witnesses (members' offers to serve the public lines of their windows) for
// the lines before the report's first line of that member (up to 50) and for
// any the report lacks in between. A gathered line is kept only if it
// verifies on its own and chains backwards into the report's own lines; what
// is kept is logged as `context`.
import { E, type ERef } from '@endo/far';
import type { VatId } from '../captp-transport/index.js';
import {
  contentMatches,
  openEnvelope,
  PUBLIC,
  signatureHolds,
  type WireEnvelope,
} from '../presence/index.js';
import { openReport } from './report.js';
import type { Archive, EntryKind, Receipt } from './archive.js';
import type { Case } from './cases.js';
import type { Witness } from './witness.js';

export interface GatherDeps {
  archive: Archive;
  /** The room's witnesses, by member. */
  witnesses: ReadonlyMap<VatId, ERef<Witness>>;
  log(kind: EntryKind, body: unknown): Promise<Receipt>;
  /** The auditor asking, for the log. */
  label: string;
}

/** What gathering found: lines filled in from other members' windows (logged), and ranges still missing. */
export interface GatherResult {
  caseId: string;
  gathered: Array<{
    author: VatId;
    fromSeq: number;
    toSeq: number;
    count: number;
    witness: VatId;
    lines: Array<{ seq: number; ts: number; text: string }>;
  }>;
  missing: Array<{ author: VatId; fromSeq: number; toSeq: number }>;
}

export const gatherContext = async (
  c: Case,
  { archive, witnesses, log, label }: GatherDeps,
): Promise<GatherResult> => {
  const caseId = c.caseId;
  const latest = c.reports.at(-1)!;
  const body = JSON.parse((await archive.entry(latest.entry))!.body);
  const report = openReport(body.signed);
  const items = report.window
    .map(w => openEnvelope(w))
    .filter(e => e.stream === PUBLIC && signatureHolds(e) && e.header.room === c.room);
  const gathered: GatherResult['gathered'] = [];
  const missing: GatherResult['missing'] = [];
  for (const author of c.accused) {
    const have = new Map(items.filter(e => e.header.author === author).map(e => [e.header.seq, e]));
    const seqs = [...have.keys()].sort((a, b) => a - b);
    if (seqs.length === 0) continue;
    const wanted: Array<[number, number]> =
      seqs[0]! > 1 ? [[Math.max(1, seqs[0]! - 50), seqs[0]! - 1]] : [];
    for (let i = 1; i < seqs.length; i += 1)
      if (seqs[i]! > seqs[i - 1]! + 1) wanted.push([seqs[i - 1]! + 1, seqs[i]! - 1]);
    for (const [fromSeq, toSeq] of wanted) {
      let filled = 0;
      for (const [member, witness] of witnesses) {
        if (member === latest.reporter) continue;
        let wires: WireEnvelope[] = [];
        try {
          wires = await E(witness).range(author, fromSeq, toSeq);
        } catch {
          continue; // that member is away
        }
        const got = new Map<number, ReturnType<typeof openEnvelope>>();
        for (const wire of wires) {
          try {
            const e = openEnvelope(wire);
            if (
              e.header.author === author &&
              e.header.room === c.room &&
              e.stream === PUBLIC &&
              signatureHolds(e) &&
              contentMatches(e)
            )
              got.set(e.header.seq, e);
          } catch {
            // not an envelope: ignore it
          }
        }
        // Keep only what chains backwards from the line after the range.
        const chained: Array<ReturnType<typeof openEnvelope>> = [];
        let next = have.get(toSeq + 1);
        for (let seq = toSeq; seq >= fromSeq && next; seq -= 1) {
          const e = got.get(seq);
          if (!e || next.header.prev !== e.id) break;
          chained.unshift(e);
          next = e;
        }
        if (chained.length === 0) continue;
        for (const e of chained) have.set(e.header.seq, e);
        await log('context', {
          caseId,
          reportId: latest.reportId,
          author,
          witness: member,
          label,
          items: chained.map(e => e.wire),
        });
        gathered.push({
          author,
          fromSeq: chained[0]!.header.seq,
          toSeq: chained.at(-1)!.header.seq,
          count: chained.length,
          witness: member,
          lines: chained.map(e => ({
            seq: e.header.seq,
            ts: e.header.ts,
            text: e.wire.content ?? '',
          })),
        });
        filled = chained.length;
        break;
      }
      if (filled < toSeq - fromSeq + 1) missing.push({ author, fromSeq, toSeq: toSeq - filled });
    }
  }
  return harden({ caseId, gathered, missing });
};
harden(gatherContext);
