// moderation/report.ts: a participant's signed report
// (docs/protocol.md §6): the window it holds, as signed envelopes, with the
// abusive lines disclosed and bystanders' content withheld (their body hashes
// still commit to it), plus the host-signed roster it holds, so the report
// carries its own evidence of who was a member.
//   bytes = "stoa/report/v1\n" + canonical(report); sig = Ed25519(reporter key, bytes)
// (The design notes named a window item's header text `bytes`; here it is
// `header`, as on the wire, without the domain prefix.)
import { randomBytes } from 'node:crypto';
import {
  domainSignatureHolds,
  short,
  signWithDomain,
  type VatId,
  peerText,
} from '../captp-transport/index.js';
import {
  canonical,
  withholdContent,
  type KeptEnvelope,
  type WireEnvelope,
} from '../presence/index.js';
import type { HeldSignature } from '../unum/index.js';

export const REPORT_DOMAIN = 'stoa/report/v1\n';

export type Trigger = { kind: 'panic' } | { kind: 'filter'; rule: string; rulesetHash: string };

export interface Report {
  v: 1;
  reportId: string;
  room: string;
  epoch: number;
  reporter: VatId;
  accused: VatId[];
  category: string;
  note: string;
  trigger: Trigger;
  /** Envelope ids the report is about. */
  flagged: string[];
  window: WireEnvelope[];
  /** The newest signed roster the reporter holds: its host's, or a majority of its replicas' (docs/protocol.md §6.10). */
  roster: HeldSignature;
  createdAt: number;
}

export interface SignedReport {
  report: string;
  sig: string;
}

export interface ReportDraft {
  room: string;
  epoch: number;
  reporter: VatId;
  accused: VatId[];
  category: string;
  note?: string;
  trigger: Trigger;
  flagged: string[];
  window: readonly KeptEnvelope[];
  roster: HeldSignature;
}

/**
 * Seals a report. Content is disclosed for the accused's envelopes, the
 * flagged ones and the reporter's own; every other line travels as header and
 * signature only.
 */
export const sealReport = (
  draft: ReportDraft,
  sign: (message: Uint8Array) => Uint8Array,
): SignedReport => {
  const disclose = new Set([...draft.accused, draft.reporter]);
  const flagged = new Set(draft.flagged);
  const window = draft.window.map(({ envelope }) =>
    disclose.has(envelope.header.author) || flagged.has(envelope.id)
      ? envelope.wire
      : withholdContent(envelope.wire),
  );
  const report: Report = {
    v: 1,
    reportId: randomBytes(12).toString('base64url'),
    room: draft.room,
    epoch: draft.epoch,
    reporter: draft.reporter,
    accused: [...draft.accused],
    category: draft.category,
    note: draft.note ?? '',
    trigger: draft.trigger,
    flagged: [...draft.flagged],
    window: window.map(w => ({ ...w })),
    roster: { ...draft.roster },
    createdAt: Date.now(),
  };
  const text = canonical(report);
  return harden({ report: text, sig: signWithDomain(REPORT_DOMAIN, text, sign) });
};
harden(sealReport);

/** Parses a signed report and checks its signature under the reporter it names. Throws `[bad-report]`. */
export const openReport = (signed: SignedReport): Report => {
  const bad = (why: string): never => {
    throw Error(`[bad-report] ${why}`);
  };
  if (
    typeof signed?.report !== 'string' ||
    typeof signed.sig !== 'string' ||
    signed.report.length > 8 << 20
  )
    bad('not a signed report');
  let report: Report;
  try {
    report = JSON.parse(signed.report);
  } catch {
    return bad('not JSON');
  }
  if (
    report.v !== 1 ||
    !Array.isArray(report.window) ||
    !Array.isArray(report.flagged) ||
    !Array.isArray(report.accused)
  )
    bad('malformed');
  if (canonical(report) !== signed.report) bad('not in canonical form');
  if (!domainSignatureHolds(REPORT_DOMAIN, signed.report, signed.sig, report.reporter))
    bad(`signature of the reporter ${short(peerText(report.reporter, 52))} does not hold`);
  return harden(report);
};
harden(openReport);
