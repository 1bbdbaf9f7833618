// moderation/auditor.ts: the facets auditors hold, one per grant and auditor
// vat, with methods by role: triage (read, verify, annotate, gather, the log),
// act (+ sanctions), admin (+ grants, revocation, rulesets). Every change an
// auditor makes is logged before it takes effect; a sanction is signed by the
// auditor's own vat and the room's enforcer applies it only with the log's
// receipt. A revoked grant refuses everything with `[revoked]`.
import { E, type ERef } from '@endo/far';
import { makeExo } from '@endo/exo';
import type { VatId } from '../captp-transport/index.js';
import { openAction, type SignedAction } from './action.js';
import type { Archive, EntryKind, Receipt } from './archive.js';
import { decisionOfAction, type Cases } from './cases.js';
import { AuditorI } from './facets.js';
import { gatherContext } from './gather.js';
import type { LogGrowth } from './log-growth.js';
import type { NameBook } from './names.js';
import { changeRuleset } from './ruleset-change.js';
import type { AuditorRole, Grant } from './grants.js';
import type { ReportDesk } from './report-facet.js';
import type { RoomRegistry } from './room-registry.js';
import { verifyReport } from './verify-report.js';
import { checkEvidence } from '../unum/index.js';

export interface AuditorDeps {
  archive: Archive;
  cases: Cases;
  names: NameBook;
  growth: LogGrowth;
  rooms: RoomRegistry;
  reports: ReportDesk;
  log(kind: EntryKind, body: unknown): Promise<Receipt>;
  /** Grants and resolves once the grant is logged. */
  grant(role: AuditorRole, label: string): Promise<string>;
  revoke(label: string): Promise<void>;
}

/** The most log entries one `log` call returns. */
const MAX_LOG_PAGE = 500;

const makeTriage = (
  grant: Grant,
  auditor: VatId,
  { archive, cases, names, growth, rooms, reports, log }: AuditorDeps,
) => {
  const check = () => {
    if (grant.revoked) throw Error(`[revoked] auditor ${JSON.stringify(grant.label)} was revoked`);
  };
  const ready = async () => {
    await grant.logged;
    check();
  };
  const caseOf = (caseId: string) => {
    check();
    const c = cases.get(caseId);
    if (!c) throw Error(`[unknown-case] no case ${JSON.stringify(caseId)}`);
    return c;
  };
  const methods = {
    checkpoint: () => {
      check();
      return archive.checkpoint();
    },
    consistency: (size1: number) => {
      check();
      return archive.consistency(size1);
    },
    whoami: () => {
      check();
      return harden({ label: grant.label, role: grant.role, auditor });
    },
    list: () => {
      check();
      return harden(
        cases.list().map(c => ({
          caseId: c.caseId,
          room: c.room,
          accused: c.accused,
          priority: c.priority,
          status: c.status,
          reports: c.reports.length,
          actions: c.actions.length,
        })),
      );
    },
    /** Names by vat id in `room`, from every host-signed roster the service saw for it. */
    names: (room: string) => {
      check();
      return harden(names.of(room));
    },
    /** Resolves with the log's size once it exceeds `size` (or after `waitMs`, at most a minute). */
    async awaitLog(size: number, waitMs: number) {
      check();
      return growth.after(size, waitMs);
    },
    show: (caseId: string) => harden(JSON.parse(JSON.stringify(caseOf(caseId)))),
    /** Verifies an archived report again, from the log, against the host that registered its room. */
    async verify(reportId: string) {
      check();
      const found = cases.findReport(reportId);
      if (!found) throw Error(`[unknown-report] no report ${JSON.stringify(reportId)}`);
      const body = JSON.parse((await archive.entry(found.r.entry))!.body);
      if (body.evidence) {
        // Filed by a replicated room's owner: what the accused replica signed against itself.
        const e = checkEvidence(body.evidence);
        return harden({
          reportId,
          caseId: found.c.caseId,
          entry: found.r.entry,
          verdict: 'verified',
          problems: [],
          findings: [],
          items: [],
          category: found.r.category,
          reporter: found.r.reporter,
          accused: [e.replica],
          evidence: { kind: e.kind, replica: e.replica, cseq: e.cseq },
          names: {},
        });
      }
      const { host, replicas } = rooms.need(found.c.room);
      const v = verifyReport(body.signed, {
        reporter: found.r.reporter,
        host,
        ...(replicas ? { replicas } : {}),
      });
      return harden({
        reportId,
        caseId: found.c.caseId,
        entry: found.r.entry,
        verdict: v.verdict,
        ...(v.rejected ? { rejected: v.rejected } : {}),
        problems: v.problems.map(p => ({ ...p })),
        findings: v.findings.map(f => ({ ...f })),
        items: v.items.map(i => ({ ...i })),
        ...(v.report
          ? {
              category: v.report.category,
              note: v.report.note,
              trigger: { ...v.report.trigger },
              reporter: v.report.reporter,
              accused: [...v.report.accused],
            }
          : {}),
        names: Object.fromEntries((v.roster?.members ?? []).map(m => [m.vatId, m.name])),
      });
    },
    async annotate(caseId: string, note: string) {
      await ready();
      const c = caseOf(caseId);
      const receipt = await log('context', { caseId, note, auditor, label: grant.label });
      c.notes.push({ note, auditor: grant.label, entry: receipt.index });
      return receipt;
    },
    /** Completes a case's latest report from other members' windows (gather.ts). */
    async gather(caseId: string) {
      await ready();
      const c = caseOf(caseId);
      return gatherContext(c, {
        archive,
        witnesses: reports.witnessesOf(c.room),
        log,
        label: grant.label,
      });
    },
    async log(from: number, count: number) {
      await ready();
      const entries = [];
      for (
        let i = Math.max(0, from);
        i < Math.min(archive.size(), from + Math.min(count, MAX_LOG_PAGE));
        i += 1
      ) {
        const e = await archive.entry(i);
        if (e)
          entries.push({
            index: e.index,
            kind: e.kind,
            body: e.body,
            leaf: e.leaf,
            createdAt: e.createdAt,
          });
      }
      return harden(entries);
    },
  };
  return { methods, ready, caseOf };
};

const makeActing = (
  grant: Grant,
  auditor: VatId,
  deps: AuditorDeps,
  triage: ReturnType<typeof makeTriage>,
) => ({
  async act(signed: unknown) {
    await triage.ready();
    const action = openAction(signed as SignedAction, auditor);
    const c = triage.caseOf(action.caseId);
    if (c.room !== action.room)
      throw Error(`[bad-action] case ${action.caseId} is about room ${c.room}`);
    deps.rooms.need(action.room);
    // Logged first: the room applies it only with this receipt.
    const body = { caseId: c.caseId, label: grant.label, signed: signed as SignedAction };
    const receipt = await deps.log('action', body);
    deps.cases.decide(c.caseId, decisionOfAction(body, receipt.index));
    await E(await deps.rooms.enforcer(action.room)).apply(
      harden(body) as never,
      harden({ ...receipt }),
    );
    return receipt;
  },
  /** Closes a case without a sanction, with a statement of reasons (logged). */
  async dismiss(caseId: string, reason: string) {
    await triage.ready();
    const c = triage.caseOf(caseId);
    if (!reason.trim()) throw Error('[bad-action] a dismissal needs a statement of reasons');
    const body = { caseId: c.caseId, reason: reason.trim(), label: grant.label, auditor };
    const receipt = await deps.log('dismiss', body);
    deps.cases.decide(c.caseId, {
      action: 'dismiss',
      auditor: grant.label,
      reason: body.reason,
      durationMs: 0,
      entry: receipt.index,
      ts: Date.now(),
    });
    return receipt;
  },
});

const makeAdministering = (
  grant: Grant,
  auditor: VatId,
  deps: AuditorDeps,
  triage: ReturnType<typeof makeTriage>,
) => ({
  async setRuleset(room: string, ruleset: Record<string, unknown>) {
    await triage.ready();
    return changeRuleset(deps, { room, ruleset, label: grant.label, auditor });
  },
  grant: async (role: string, label: string) => {
    await triage.ready();
    return deps.grant(role as AuditorRole, label);
  },
  revoke: async (label: string) => {
    await triage.ready();
    await deps.revoke(label);
  },
});

/** The facet `auditor`'s vat gets for `grant`. */
export const makeAuditor = (grant: Grant, auditor: VatId, deps: AuditorDeps): ERef<object> => {
  const triage = makeTriage(grant, auditor, deps);
  const acting = grant.role === 'triage' ? {} : makeActing(grant, auditor, deps, triage);
  const administering =
    grant.role === 'admin' ? makeAdministering(grant, auditor, deps, triage) : {};
  return makeExo(`Auditor ${grant.label} (${grant.role})`, AuditorI[grant.role], {
    ...triage.methods,
    ...acting,
    ...administering,
  } as never);
};
harden(makeAuditor);
