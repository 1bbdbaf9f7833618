// moderation/service.ts: the operator's moderation service
// (PROTOCOL.md §6). Room hosts register with it through its intake and
// introduce each member to its own report facet (a gift only that member can
// redeem); a report arrives through that facet, so the capability says who
// reports. Each report is verified, archived durably, placed in a case, and
// answered with the verdict and a signed receipt. Auditors hold attenuated,
// revocable facets: triage (read, verify, annotate), act (mute, kick, ban with
// a statement of reasons), admin (grant and revoke auditors). Every action is
// signed by the auditor's vat and archived before it takes effect; the room's
// enforcer then applies it only with the archive's receipt.
import { join } from 'node:path';
import { E, type ERef } from '@endo/far';
import { makeExo } from '@endo/exo';
import { short, type VatId } from '../captp-transport/index.js';
import { openSnapshot, type SignedSnapshot } from '../unum/index.js';
import { checkRuleset } from './filter.js';
import type { SignedReport } from './report.js';
import type { Vat } from '../vat/index.js';
import { openAction, type SignedAction } from './action.js';
import { openArchive, type Archive, type EntryKind } from './archive.js';
import { makeCases } from './cases.js';
import { AuditorI, IntakeI, ReportFacetI } from './facets.js';
import type { ArchiveStore } from './archive-store.js';
import { openPgArchiveStore } from './pg-archive-store.js';
import { openSqliteArchiveStore } from './sqlite-archive-store.js';
import { makeTokenBucket } from './token-bucket.js';
import { verifyReport } from './verify-report.js';
import { gatherContext } from './gather.js';
import type { Witness } from './witness.js';

export type AuditorRole = 'triage' | 'act' | 'admin';

export const DEFAULT_MODERATION_LIMITS = harden({
  /** Reports one member may send in a burst… */
  reportBurst: 5,
  /** …then one more per this many ms. */
  reportRefillMs: 60_000,
  /** How long a member's report gift stays redeemable. */
  reportGiftTtlMs: 24 * 60 * 60_000,
});
export type ModerationLimits = { -readonly [K in keyof typeof DEFAULT_MODERATION_LIMITS]: number };

export interface ModerationOptions {
  /** `sqlite:PATH` (default: moderation.db beside the vat's own store). */
  archive?: string;
  limits?: Partial<ModerationLimits>;
}

export interface Moderation {
  /** Sturdy ref rooms are configured with (the intake for room hosts). */
  readonly reportInbox: string;
  readonly operator: VatId;
  readonly archive: Archive;
  /** Grants an auditor capability; returns its sturdy ref. The grant is logged before the facet works. */
  grant(role: AuditorRole, opts: { label: string }): string;
  /** Revokes every grant under `label` (logged). */
  revoke(label: string): Promise<void>;
  /** Closes the archive (the vat stays up). */
  close(): Promise<void>;
}

interface RoomRecord {
  host: VatId;
  enforcer: ERef<{
    apply(body: Record<string, unknown>, receipt: Record<string, unknown>): void;
    applyRuleset(body: Record<string, unknown>, receipt: Record<string, unknown>): void;
  }>;
}



const ROLES: readonly AuditorRole[] = ['triage', 'act', 'admin'];

/** `sqlite:PATH` or `postgres://…` (also `postgresql://…`). */
export const openArchiveStore = async (spec: string): Promise<ArchiveStore> => {
  if (spec.startsWith('sqlite:')) return openSqliteArchiveStore(spec.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(spec)) return openPgArchiveStore(spec);
  throw Error('[bad-archive] an archive is sqlite:PATH or postgres://URL');
};

export const startModeration = async (vat: Vat, opts: ModerationOptions = {}): Promise<Moderation> => {
  const limits: ModerationLimits = { ...DEFAULT_MODERATION_LIMITS, ...opts.limits };
  const spec = opts.archive ?? `sqlite:${join(vat.dataDir, 'moderation.db')}`;
  const archive = await openArchive(await openArchiveStore(spec), vat);
  const cases = makeCases();
  const rooms = new Map<string, RoomRecord>();
  /** Per room, the witnesses members offered, by member. */
  const witnesses = new Map<string, Map<VatId, ERef<Witness>>>();
  const grants = new Map<string, { label: string; role: AuditorRole; revoked: boolean; logged: Promise<unknown> }>();

  const log = (kind: EntryKind, body: unknown) => archive.append(kind, body);

  // Cases are derived from the archive, so they come back after a restart.
  for (const entry of (await archive.list('report', 1_000_000)).reverse()) {
    const body = JSON.parse(entry.body);
    const { caseId } = cases.place(body.room, body.accused, body, body.caseId);
    cases.add(caseId, { reportId: body.reportId, reporter: body.reporter, verdict: body.verdict, category: body.category, entry: entry.index, flagged: body.flagged });
  }

  const logView = {
    checkpoint: () => archive.checkpoint(),
    consistency: (size1: number) => archive.consistency(size1),
  };

  const makeReportFacet = (room: string, member: VatId) => {
    const bucket = makeTokenBucket(limits.reportBurst, limits.reportRefillMs);
    const methods = {
      async submit(signed: SignedReport) {
        bucket.take(`reports from ${short(member)}`);
        const record = rooms.get(room)!;
        const verification = verifyReport(signed, { reporter: member, host: record.host });
        const report = verification.report;
        if (report && report.room !== room) {
          throw Error(`[wrong-room] this facet takes reports on room ${room}`);
        }
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
        const receipt = await log('report', {
          ...summary,
          caseId: placed.caseId,
          verdict: verification.verdict,
          rejected: verification.rejected ?? null,
          problems: verification.problems.map(p => ({ code: p.code, detail: p.detail })),
          findings: verification.findings,
          duplicate: placed.duplicate,
          signed,
        });
        cases.add(placed.caseId, { ...summary, verdict: verification.verdict, entry: receipt.index });
        return harden({
          verdict: verification.verdict,
          ...(verification.rejected ? { rejected: verification.rejected } : {}),
          problems: verification.problems.map(p => p.code),
          caseId: placed.caseId,
          duplicate: placed.duplicate,
          receipt,
        });
      },
      offerWitness(witness: ERef<Witness>) {
        const byMember = witnesses.get(room) ?? new Map<VatId, ERef<Witness>>();
        byMember.set(member, witness);
        witnesses.set(room, byMember);
      },
      ...logView,
    };
    return makeExo(`ReportFacet ${short(member)} in ${room}`, ReportFacetI, methods as never);
  };

  const inbox = vat.exportPerPeer(
    host =>
      makeExo(`Intake for ${short(host)}`, IntakeI, {
        describe: () => harden({ operator: vat.id }),
        async registerRoom(signed, enforcer) {
          const snapshot = openSnapshot(signed as unknown as SignedSnapshot, host);
          const known = rooms.get(snapshot.room);
          if (known && known.host !== host) throw Error(`[not-yours] room ${snapshot.room} is registered by another host`);
          rooms.set(snapshot.room, { host, enforcer: enforcer as RoomRecord['enforcer'] });
        },
        reportGiftFor(room, member) {
          const record = rooms.get(room);
          if (!record || record.host !== host) throw Error(`[unknown-room] vat ${short(host)} has registered no room ${JSON.stringify(room)}`);
          return vat.giftFor(makeReportFacet(room, member), member, { ttlMs: limits.reportGiftTtlMs });
        },
      }),
    { name: 'moderation:intake' },
  );

  const makeAuditor = (grantId: string, auditor: VatId) => {
    const grant = grants.get(grantId)!;
    const ready = async () => {
      await grant.logged;
      if (grant.revoked) throw Error(`[revoked] auditor ${JSON.stringify(grant.label)} was revoked`);
    };
    const check = () => {
      if (grant.revoked) throw Error(`[revoked] auditor ${JSON.stringify(grant.label)} was revoked`);
    };
    const caseOf = (caseId: string) => {
      const c = cases.get(caseId);
      if (!c) throw Error(`[unknown-case] no case ${JSON.stringify(caseId)}`);
      return c;
    };
    const triage = {
      ...logView,
      whoami: () => harden({ label: grant.label, role: grant.role, auditor }),
      list: () => {
        check();
        return harden(cases.list().map(c => ({ caseId: c.caseId, room: c.room, accused: c.accused, priority: c.priority, reports: c.reports.length, actions: c.actions.length })));
      },
      show: (caseId: string) => {
        check();
        return harden(JSON.parse(JSON.stringify(caseOf(caseId))));
      },
      /** Verifies an archived report again, from the log: verdict, problems, and a mark per window item. */
      async verify(reportId: string) {
        check();
        const found = cases.findReport(reportId);
        if (!found) throw Error(`[unknown-report] no report ${JSON.stringify(reportId)}`);
        const body = JSON.parse((await archive.entry(found.r.entry))!.body);
        const record = rooms.get(found.c.room);
        const host = record?.host ?? (JSON.parse(JSON.parse(body.signed.report).roster.snapshot).host as VatId);
        const v = verifyReport(body.signed, { reporter: found.r.reporter, host });
        return harden({
          reportId,
          caseId: found.c.caseId,
          entry: found.r.entry,
          verdict: v.verdict,
          ...(v.rejected ? { rejected: v.rejected } : {}),
          problems: v.problems.map(p => ({ ...p })),
          findings: v.findings.map(f => ({ ...f })),
          items: v.items.map(i => ({ ...i })),
          ...(v.report ? { category: v.report.category, note: v.report.note, trigger: { ...v.report.trigger }, reporter: v.report.reporter, accused: [...v.report.accused] } : {}),
          /** Names by vat id, from the host-signed roster the report carried. */
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
        return gatherContext(c, { archive, witnesses: witnesses.get(c.room) ?? new Map(), log, label: grant.label });
      },
      async log(from: number, count: number) {
        await ready();
        const entries = [];
        for (let i = Math.max(0, from); i < Math.min(archive.size(), from + Math.min(count, 500)); i += 1) {
          const e = await archive.entry(i);
          if (e) entries.push({ index: e.index, kind: e.kind, body: e.body, leaf: e.leaf, createdAt: e.createdAt });
        }
        return harden(entries);
      },
    };
    const act = {
      ...triage,
      async act(signed: unknown) {
        await ready();
        const action = openAction(signed as SignedAction, auditor);
        const c = caseOf(action.caseId);
        if (c.room !== action.room) throw Error(`[bad-action] case ${action.caseId} is about room ${c.room}`);
        const record = rooms.get(action.room);
        if (!record) throw Error(`[unknown-room] no room ${JSON.stringify(action.room)} is registered`);
        // Logged first: the room applies it only with this receipt.
        const body = { caseId: c.caseId, label: grant.label, signed };
        const receipt = await log('action', body);
        c.actions.push({ action: action.action, target: action.target, auditor: grant.label, entry: receipt.index });
        await E(record.enforcer).apply(harden(body), harden({ ...receipt }));
        return receipt;
      },
    };
    const admin = {
      ...act,
      async setRuleset(room: string, ruleset: Record<string, unknown>) {
        await ready();
        checkRuleset(ruleset);
        const record = rooms.get(room);
        if (!record) throw Error(`[unknown-room] no room ${JSON.stringify(room)} is registered`);
        const body = { room, ruleset, label: grant.label, auditor };
        const receipt = await log('ruleset', body);
        await E(record.enforcer).applyRuleset(harden(body), harden({ ...receipt }));
        return receipt;
      },
      grant: async (role: string, label: string) => {
        await ready();
        return moderation.grant(role as AuditorRole, { label });
      },
      revoke: async (label: string) => {
        await ready();
        await moderation.revoke(label);
      },
    };
    const methods = { triage, act, admin }[grant.role];
    return makeExo(`Auditor ${grant.label} (${grant.role})`, AuditorI[grant.role], methods as never);
  };

  const moderation: Moderation = {
    reportInbox: inbox,
    operator: vat.id,
    archive,
    grant(role, { label }) {
      if (!ROLES.includes(role)) throw Error(`[bad-role] an auditor role is triage, act or admin, not ${JSON.stringify(role)}`);
      if (typeof label !== 'string' || !label.trim() || label.length > 64) throw Error('[bad-label] an auditor label is 1 to 64 characters');
      const grantId = `${label}:${role}:${grants.size}`;
      grants.set(grantId, { label, role, revoked: false, logged: log('auditor-granted', { label, role }) });
      return vat.exportPerPeer(auditor => makeAuditor(grantId, auditor), { name: `moderation:auditor:${grantId}` });
    },
    async revoke(label) {
      const matching = [...grants.values()].filter(g => g.label === label && !g.revoked);
      if (matching.length === 0) throw Error(`[unknown-auditor] no auditor ${JSON.stringify(label)} to revoke`);
      await log('auditor-revoked', { label });
      for (const g of matching) g.revoked = true;
    },
    close: () => archive.close(),
  };
  return harden(moderation);
};
harden(startModeration);
