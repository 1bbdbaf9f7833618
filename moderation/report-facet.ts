// moderation/report-facet.ts: a member's own report facet at the moderation
// service, a gift only that member can redeem (its host asked the intake for
// it), so the capability says who reports. Each report is verified, archived,
// placed in a case and answered with the verdict and a signed receipt. The
// flood limit is per reporting VatId, not per facet, and kept in the
// operator vat's tables, so neither joining again nor a restart refills it.
import { makeExo } from '@endo/exo';
import type { ERef } from '@endo/far';
import { short, type VatId } from '../captp-transport/index.js';
import { makeTokenBuckets, type Vat } from '../vat/index.js';
import type { Archive, EntryKind, Receipt } from './archive.js';
import type { Cases } from './cases.js';
import { ReportFacetI } from './facets.js';
import { MAX_WAIT_MS, type LogGrowth } from './log-growth.js';
import type { NameBook } from './names.js';
import type { SignedReport } from './report.js';
import type { RoomRegistry } from './room-registry.js';
import { verifyReport } from './verify-report.js';
import type { Witness } from './witness.js';

const MIGRATIONS = harden([
  'CREATE TABLE IF NOT EXISTS moderation_report_budget (reporter TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL)',
]);

export interface ReportDesk {
  /** The report facet for `member` of `room`. */
  facetFor(room: string, member: VatId): object;
  /** The witnesses members of `room` offered, by member. */
  witnessesOf(room: string): ReadonlyMap<VatId, ERef<Witness>>;
}

export interface ReportDeskDeps {
  vat: Vat;
  archive: Archive;
  cases: Cases;
  names: NameBook;
  growth: LogGrowth;
  rooms: RoomRegistry;
  log(kind: EntryKind, body: unknown): Promise<Receipt>;
  limits: { reportBurst: number; reportRefillMs: number };
}

export const makeReportDesk = ({
  vat,
  archive,
  cases,
  names,
  growth,
  rooms,
  log,
  limits,
}: ReportDeskDeps): ReportDesk => {
  const db = vat.tables('moderation.report-budget', MIGRATIONS);
  const load = db.prepare<{ tokens: number; at: number }>(
    'SELECT tokens, at FROM moderation_report_budget WHERE reporter = ?',
  );
  const save = db.prepare(
    'INSERT OR REPLACE INTO moderation_report_budget (reporter, tokens, at) VALUES (?, ?, ?)',
  );
  const drop = db.prepare('DELETE FROM moderation_report_budget WHERE reporter = ?');
  const budget = makeTokenBuckets({
    burst: limits.reportBurst,
    refillMs: limits.reportRefillMs,
    keep: {
      load: key => load.get(key),
      save: (key, level) => void save.run(key, level.tokens, level.at),
      drop: key => void drop.run(key),
    },
  });
  const witnesses = new Map<string, Map<VatId, ERef<Witness>>>();

  /** The decisions on `member`'s cases after log entry `after`; waits up to `waitMs` for one. */
  const outcomes = async (room: string, member: VatId, after: number, waitMs: number) => {
    const deadline = Date.now() + Math.min(Math.max(0, waitMs), MAX_WAIT_MS);
    for (;;) {
      const found = cases.outcomesFor(room, member, after);
      const left = deadline - Date.now();
      if (found.length || left <= 0) return harden(found);
      await growth.after(archive.size(), left);
    }
  };

  const submit = async (room: string, member: VatId, signed: SignedReport) => {
    if (!budget.take(member)) {
      throw Error(
        `[rate-limited] too many reports from ${short(member)}; the next is accepted in ${Math.ceil(budget.waitMs(member) / 1000)} s`,
      );
    }
    const { host, replicas } = rooms.need(room);
    const verification = verifyReport(signed, {
      reporter: member,
      host,
      ...(replicas ? { replicas } : {}),
    });
    const report = verification.report;
    if (verification.roster) names.learn(room, verification.roster.members);
    if (report && report.room !== room)
      throw Error(`[wrong-room] this facet takes reports on room ${room}`);
    const accused = report?.accused ?? [];
    const summary = {
      reportId: report?.reportId ?? '',
      room,
      reporter: member,
      accused,
      category: report?.category ?? '',
      flagged: report?.flagged ?? [],
    };
    const placed = cases.place(room, accused, { ...summary, verdict: verification.verdict });
    const problems = verification.problems.map(p => ({ code: p.code, detail: p.detail }));
    const receipt = await log('report', {
      ...summary,
      caseId: placed.caseId,
      verdict: verification.verdict,
      rejected: verification.rejected ?? null,
      problems,
      findings: verification.findings,
      duplicate: placed.duplicate,
      signed,
    });
    cases.add(
      placed.caseId,
      { ...summary, verdict: verification.verdict, entry: receipt.index },
      placed.duplicate,
    );
    return harden({
      verdict: verification.verdict,
      ...(verification.rejected ? { rejected: verification.rejected } : {}),
      problems: problems.map(p => p.code),
      caseId: placed.caseId,
      duplicate: placed.duplicate,
      receipt,
    });
  };

  return harden({
    facetFor: (room: string, member: VatId) =>
      makeExo(`ReportFacet ${short(member)} in ${room}`, ReportFacetI, {
        submit: signed => submit(room, member, signed as SignedReport),
        offerWitness(witness) {
          const byMember = witnesses.get(room) ?? new Map<VatId, ERef<Witness>>();
          byMember.set(member, witness as ERef<Witness>);
          witnesses.set(room, byMember);
        },
        outcomes: (after, waitMs) => outcomes(room, member, after, waitMs),
        checkpoint: () => archive.checkpoint(),
        consistency: size1 => archive.consistency(size1),
      }),
    witnessesOf: (room: string) => witnesses.get(room) ?? new Map(),
  });
};
harden(makeReportDesk);
