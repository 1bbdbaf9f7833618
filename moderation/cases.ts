// moderation/cases.ts: reports grouped into cases, one per
// (room, accused). A case's priority is the number of distinct reporters whose
// reports were not rejected, so a flood from one member does not outrank two
// members independently asking for help. A report repeating one already in a
// case (same reporter, same flagged lines) is merged, not counted again.
import { randomBytes } from 'node:crypto';
import type { VatId } from '../captp-transport/index.js';
import type { StoredEntry } from './archive-store.js';
import type { Verdict } from './verify-report.js';

export interface CaseReport {
  reportId: string;
  reporter: VatId;
  verdict: Verdict;
  category: string;
  /** Archive index of the report entry. */
  entry: number;
  flagged: string[];
}

export interface Case {
  caseId: string;
  room: string;
  accused: VatId[];
  reports: CaseReport[];
  priority: number;
  actions: Array<{ action: string; target: VatId; auditor: string; entry: number }>;
  notes: Array<{ note: string; auditor: string; entry: number }>;
}

const caseKey = (room: string, accused: readonly VatId[]) =>
  `${room}|${[...accused].sort().join(',')}`;

export const makeCases = () => {
  const byKey = new Map<string, Case>();
  const byId = new Map<string, Case>();
  const priorityOf = (c: Case) =>
    new Set(c.reports.filter(r => r.verdict !== 'rejected').map(r => r.reporter)).size;
  return harden({
    /** The case a report belongs to, and whether it repeats one already there. */
    place(
      room: string,
      accused: readonly VatId[],
      report: Omit<CaseReport, 'entry'>,
      caseId?: string,
    ): { caseId: string; duplicate: boolean } {
      const key = caseKey(room, accused);
      let found = byKey.get(key);
      if (!found) {
        found = {
          caseId: caseId ?? randomBytes(9).toString('base64url'),
          room,
          accused: [...accused],
          reports: [],
          priority: 0,
          actions: [],
          notes: [],
        };
        byKey.set(key, found);
        byId.set(found.caseId, found);
      }
      const same = found.reports.find(
        r =>
          r.reportId === report.reportId ||
          (r.reporter === report.reporter &&
            [...r.flagged].sort().join() === [...report.flagged].sort().join()),
      );
      return { caseId: found.caseId, duplicate: same !== undefined };
    },
    add(caseId: string, report: CaseReport) {
      const c = byId.get(caseId)!;
      c.reports.push(report);
      c.priority = priorityOf(c);
    },
    get: (caseId: string) => byId.get(caseId),
    /** Open cases, highest priority first, then oldest first. */
    list: () =>
      [...byId.values()].sort(
        (a, b) => b.priority - a.priority || a.reports[0]!.entry - b.reports[0]!.entry,
      ),
    findReport: (reportId: string) =>
      [...byId.values()]
        .flatMap(c => c.reports.map(r => ({ c, r })))
        .find(({ r }) => r.reportId === reportId),
  });
};
export type Cases = ReturnType<typeof makeCases>;

/**
 * Rebuilds the cases from the archive: reports, notes and actions, in log
 * order, so a restarted service has every case as it was.
 */
export const replayCases = (cases: Cases, entries: readonly StoredEntry[]): void => {
  for (const entry of [...entries].sort((a, b) => a.index - b.index)) {
    const body = JSON.parse(entry.body);
    if (entry.kind === 'report') {
      const { caseId } = cases.place(body.room, body.accused, body, body.caseId);
      cases.add(caseId, {
        reportId: body.reportId,
        reporter: body.reporter,
        verdict: body.verdict,
        category: body.category,
        entry: entry.index,
        flagged: body.flagged,
      });
    } else if (entry.kind === 'context' && typeof body.note === 'string') {
      cases
        .get(body.caseId)
        ?.notes.push({ note: body.note, auditor: body.label, entry: entry.index });
    } else if (entry.kind === 'action') {
      const { action, target } = JSON.parse(body.signed.action) as {
        action: string;
        target: VatId;
      };
      cases
        .get(body.caseId)
        ?.actions.push({ action, target, auditor: body.label, entry: entry.index });
    }
  }
};
harden(replayCases);
