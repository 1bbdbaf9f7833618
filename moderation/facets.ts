// moderation/facets.ts: interface guards of the moderation
// service's far objects (they are also their types).
//   Intake       (one per room host)      describe, registerRoom, reportGiftFor
//   ReportFacet  (one per room member)    submit, checkpoint, consistency
//   Auditor      (per grant, per auditor vat; methods by role)
//   RoomEnforcer (the host's, held by the service)  apply
import { M } from '@endo/patterns';
import type { VatId } from '../captp-transport/index.js';
import { CertifiedShape, SignedSnapshotShape } from '../unum/index.js';
import { MAX_REF_CHARS, SignatureShape, VatIdShape } from '../vat/index.js';
import type { Receipt } from './archive.js';
import type { Case, CaseStatus } from './cases.js';
import type { SignedCheckpoint } from './checkpoint.js';
import type { GatherResult } from './gather.js';
import type { Finding, ItemMark, Problem, Verdict } from './verify-report.js';

/** A case in an auditor's queue. */
export interface CaseSummary {
  caseId: string;
  room: string;
  accused: VatId[];
  /** Distinct members whose reports were not rejected. */
  priority: number;
  status: CaseStatus;
  reports: number;
  actions: number;
}

/** An archived report verified again from the log, as an auditor reads it. */
export interface ReportCheck {
  reportId: string;
  caseId: string;
  /** Its archive entry. */
  entry: number;
  verdict: Verdict;
  rejected?: string;
  problems: Problem[];
  findings: Finding[];
  /** A mark per line of the reporter's window, with the line when disclosed. */
  items: ItemMark[];
  category?: string;
  note?: string;
  trigger?: { kind: string; rule?: string };
  reporter?: VatId;
  accused?: VatId[];
  /** Names by vat id, from the host-signed roster the report carried. */
  names: Record<string, string>;
}

/** A log entry as the auditor facet lists it. */
export interface LogEntry {
  index: number;
  kind: string;
  body: string;
  leaf: string;
  createdAt: number;
}

/**
 * An auditor capability (`mod.grant(role, { label })`). Triage may read,
 * verify, annotate and gather; `act` adds sanctions; `admin` adds grants,
 * revocation and rulesets. Each method fails with `[revoked]` once revoked.
 */
export interface AuditorFacet {
  whoami(): { label: string; role: 'triage' | 'act' | 'admin'; auditor: VatId };
  /** The queue, highest priority first. */
  list(): CaseSummary[];
  show(caseId: string): Case;
  verify(reportId: string): ReportCheck;
  annotate(caseId: string, note: string): Receipt;
  /** Completes a case's latest report from other members' windows. */
  gather(caseId: string): GatherResult;
  log(from: number, count: number): LogEntry[];
  checkpoint(): SignedCheckpoint;
  /** Hex hashes proving the log of `size1` entries is a prefix of the current one. */
  consistency(size1: number): string[];
  /** Names by vat id in a room, from every host-signed roster the service saw for it. */
  names(room: string): Record<string, string>;
  /** Resolves with the log's size once it exceeds `size`, or after `waitMs` (at most 60 s). */
  awaitLog(size: number, waitMs: number): number;
  /** `act` and `admin` only: a sanction signed by the auditor's vat (signAction). */
  act(signed: { action: string; sig: string }): Receipt;
  /** `act` and `admin` only: closes a case without a sanction, with a statement of reasons (logged). */
  dismiss(caseId: string, reason: string): Receipt;
}

export const SignedReportShape = harden({
  report: M.string({ stringLengthLimit: 4 << 20 }),
  sig: SignatureShape,
});
export const SignedActionShape = harden({
  action: M.string({ stringLengthLimit: 8000 }),
  sig: SignatureShape,
});
const SignedCheckpointShape = harden({
  checkpoint: M.string({ stringLengthLimit: 2048 }),
  sig: SignatureShape,
});

export const IntakeI = M.interface('Intake', {
  describe: M.call().returns(M.record()),
  /** The host's signed roster, or a replicated room's certified one from its owner (docs/protocol.md §4.9). */
  registerRoom: M.callWhen(
    M.or(SignedSnapshotShape, CertifiedShape),
    M.string({ stringLengthLimit: MAX_REF_CHARS }),
  ).returns(M.undefined()),
  /** A replicated room's owner files what a replica signed against itself (docs/protocol.md §6.10). */
  reportReplica: M.callWhen(M.string({ stringLengthLimit: 128 }), M.record()).returns(M.record()),
  reportGiftFor: M.call(M.string({ stringLengthLimit: 128 }), VatIdShape).returns(M.string()),
  setRuleset: M.callWhen(M.string({ stringLengthLimit: 128 }), M.record()).returns(M.record()),
});

const LogViewMethods = {
  checkpoint: M.call().returns(SignedCheckpointShape),
  consistency: M.call(M.number()).returns(M.arrayOf(M.string({ stringLengthLimit: 64 }))),
};

const count = M.and(M.number(), M.gte(0), M.lte(Number.MAX_SAFE_INTEGER));

export const ReportFacetI = M.interface('ReportFacet', {
  submit: M.callWhen(SignedReportShape).returns(M.record()),
  offerWitness: M.call(M.remotable('Witness')).returns(M.undefined()),
  /** Decisions on the cases this member reported in, after log entry N; waits up to `waitMs` (at most 60 s) for one. */
  outcomes: M.callWhen(count, count).returns(M.arrayOf(M.record())),
  ...LogViewMethods,
});

const TriageMethods = {
  ...LogViewMethods,
  whoami: M.call().returns(M.record()),
  list: M.call().returns(M.arrayOf(M.record())),
  show: M.call(M.string({ stringLengthLimit: 64 })).returns(M.record()),
  verify: M.callWhen(M.string({ stringLengthLimit: 64 })).returns(M.record()),
  annotate: M.callWhen(
    M.string({ stringLengthLimit: 64 }),
    M.string({ stringLengthLimit: 4000 }),
  ).returns(M.record()),
  log: M.callWhen(M.number(), M.number()).returns(M.arrayOf(M.record())),
  gather: M.callWhen(M.string({ stringLengthLimit: 64 })).returns(M.record()),
  names: M.call(M.string({ stringLengthLimit: 200 })).returns(M.record()),
  awaitLog: M.callWhen(count, count).returns(M.number()),
};
const ActMethods = {
  ...TriageMethods,
  act: M.callWhen(SignedActionShape).returns(M.record()),
  dismiss: M.callWhen(
    M.string({ stringLengthLimit: 64 }),
    M.string({ stringLengthLimit: 2000 }),
  ).returns(M.record()),
};
const AdminMethods = {
  ...ActMethods,
  grant: M.callWhen(
    M.string({ stringLengthLimit: 16 }),
    M.string({ stringLengthLimit: 64 }),
  ).returns(M.string()),
  revoke: M.callWhen(M.string({ stringLengthLimit: 64 })).returns(M.undefined()),
  setRuleset: M.callWhen(M.string({ stringLengthLimit: 128 }), M.record()).returns(M.record()),
};
export const AuditorI = harden({
  triage: M.interface('TriageAuditor', TriageMethods),
  act: M.interface('ActAuditor', ActMethods),
  admin: M.interface('AdminAuditor', AdminMethods),
});

export const RoomEnforcerI = M.interface('RoomEnforcer', {
  apply: M.callWhen(M.record(), M.record()).returns(M.undefined()),
  applyRuleset: M.callWhen(M.record(), M.record()).returns(M.undefined()),
});
