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

/** An auditor's decision on a case: a sanction (or its lifting) carried out in the room, or a dismissal. */
export interface CaseDecision {
  /** `mute`, `kick`, `ban`, `unmute`, `unban`, or `dismiss`. */
  action: string;
  /** Whom a sanction was for; absent for a dismissal. */
  target?: VatId;
  auditor: string;
  /** The statement of reasons. */
  reason: string;
  /** For a timed mute or ban, in ms (0: no end). */
  durationMs: number;
  entry: number;
  ts: number;
}

/** `open` until an auditor acts on or dismisses it; a new report opens it again. */
export type CaseStatus = 'open' | 'acted' | 'dismissed';

export interface Case {
  caseId: string;
  room: string;
  accused: VatId[];
  reports: CaseReport[];
  priority: number;
  status: CaseStatus;
  /** Sanctions and dismissals, in log order. */
  actions: CaseDecision[];
  notes: Array<{ note: string; auditor: string; entry: number }>;
}

/** What a reporter learns of the cases its reports are in. */
export interface Outcome extends CaseDecision {
  caseId: string;
  room: string;
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
          status: 'open',
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
    add(caseId: string, report: CaseReport, duplicate = false) {
      const c = byId.get(caseId)!;
      c.reports.push(report);
      c.priority = priorityOf(c);
      if (!duplicate) c.status = 'open';
    },
    decide(caseId: string, decision: CaseDecision) {
      const c = byId.get(caseId);
      if (!c) return;
      c.actions.push(decision);
      c.status = decision.action === 'dismiss' ? 'dismissed' : 'acted';
    },
    /** Decisions after log entry `after` on the cases `reporter` reported in `room`. */
    outcomesFor(room: string, reporter: VatId, after: number): Outcome[] {
      return [...byId.values()]
        .filter(c => c.room === room && c.reports.some(r => r.reporter === reporter))
        .flatMap(c => {
          const first = c.reports.find(r => r.reporter === reporter)!.entry;
          return c.actions
            .filter(a => a.entry > Math.max(after, first))
            .map(a => ({ ...a, caseId: c.caseId, room: c.room }));
        })
        .sort((a, b) => a.entry - b.entry);
    },
    get: (caseId: string) => byId.get(caseId),
    /** Open cases first, then by priority, then oldest first. */
    list: () =>
      [...byId.values()].sort(
        (a, b) =>
          Number(b.status === 'open') - Number(a.status === 'open') ||
          b.priority - a.priority ||
          a.reports[0]!.entry - b.reports[0]!.entry,
      ),
    findReport: (reportId: string) =>
      [...byId.values()]
        .flatMap(c => c.reports.map(r => ({ c, r })))
        .find(({ r }) => r.reportId === reportId),
  });
};
export type Cases = ReturnType<typeof makeCases>;

/** The decision an `action` log entry records (its signed action, opened without checking: the log checked it). */
export const decisionOfAction = (
  body: { label: string; signed: { action: string } },
  entry: number,
): CaseDecision => {
  const a = JSON.parse(body.signed.action) as {
    action: string;
    target: VatId;
    reason: string;
    durationMs: number;
    ts: number;
  };
  return {
    action: a.action,
    target: a.target,
    auditor: body.label,
    reason: a.reason,
    durationMs: a.durationMs,
    entry,
    ts: a.ts,
  };
};
harden(decisionOfAction);

/**
 * Rebuilds the cases from the archive: reports, notes, actions and
 * dismissals, in log order, so a restarted service has every case as it was.
 */
export const replayCases = (
  cases: Cases,
  entries: readonly StoredEntry[],
  learnRoster: (room: string, body: { signed?: { report?: string } }) => void = () => {},
): void => {
  for (const entry of [...entries].sort((a, b) => a.index - b.index)) {
    const body = JSON.parse(entry.body);
    if (entry.kind === 'report') {
      const { caseId } = cases.place(body.room, body.accused, body, body.caseId);
      cases.add(
        caseId,
        {
          reportId: body.reportId,
          reporter: body.reporter,
          verdict: body.verdict,
          category: body.category,
          entry: entry.index,
          flagged: body.flagged,
        },
        body.duplicate === true,
      );
      learnRoster(body.room, body);
    } else if (entry.kind === 'context' && typeof body.note === 'string') {
      cases
        .get(body.caseId)
        ?.notes.push({ note: body.note, auditor: body.label, entry: entry.index });
    } else if (entry.kind === 'action') {
      cases.decide(body.caseId, decisionOfAction(body, entry.index));
    } else if (entry.kind === 'dismiss') {
      cases.decide(body.caseId, {
        action: 'dismiss',
        auditor: body.label,
        reason: body.reason,
        durationMs: 0,
        entry: entry.index,
        ts: entry.createdAt,
      });
    }
  }
};
harden(replayCases);
