// moderation/verify-report.ts: what the moderation service
// checks before it believes a report (docs/protocol.md §6). Every window item
// stands on its own signature; the chains and heads between them show what a
// reporter left out or moved. The verdict is `rejected` when the report itself
// cannot be trusted (its signature, its reporter, its roster), `partial` when
// items are bad or missing (each problem listed), else `verified`.
// Equivocation by a participant is a finding about that participant, not a
// flaw of the report.
import { peerText, short, type VatId } from '../captp-transport/index.js';
import {
  contentMatches,
  openEnvelope,
  PUBLIC,
  signatureHolds,
  type Envelope,
} from '../presence/index.js';
import {
  openCertified,
  openSnapshot,
  type HeldSignature,
  type HeldSnapshot,
} from '../unum/index.js';
import { openReport, type Report, type SignedReport } from './report.js';

export type Verdict = 'verified' | 'partial' | 'rejected';

export type ProblemCode =
  | 'malformed-item'
  | 'bad-signature'
  | 'wrong-room'
  | 'not-a-member'
  | 'future-epoch'
  | 'bad-content'
  | 'duplicate-item'
  | 'broken-chain'
  | 'omission'
  | 'heads-mismatch'
  | 'reordered'
  | 'unknown-flagged';

export interface Problem {
  code: ProblemCode;
  detail: string;
  id?: string;
  author?: VatId;
  seq?: number;
}

/** Facts worth an auditor's attention that do not make the report any less true. */
export interface Finding {
  /** `former-member`: a line by someone not in the report's roster, sent at an epoch before it (they left or were removed since). */
  code: 'equivocation' | 'former-member';
  author: VatId;
  seq: number;
  ids: string[];
  detail: string;
}

export interface ItemMark {
  /** Position in the report's window. */
  position: number;
  id?: string;
  author?: VatId;
  seq?: number;
  ok: boolean;
  /** False when the reporter withheld the line (a bystander's). */
  disclosed: boolean;
  /** The line as disclosed, for the auditor to read (absent when withheld). */
  text?: string;
  /** When its author says it was sent (ms since the epoch). */
  ts?: number;
  /** Whether the report is about this line. */
  flagged?: boolean;
  /** A whisper's one recipient: a private line, not said to the room. */
  to?: VatId;
}

export interface Verification {
  verdict: Verdict;
  reportId?: string;
  /** Why the report was rejected outright. */
  rejected?: string;
  problems: Problem[];
  findings: Finding[];
  items: ItemMark[];
  report?: Report;
  roster?: HeldSnapshot;
}

export interface VerifyOptions {
  /** The vat whose report facet delivered the report: the report must be its own. */
  reporter: VatId;
  /** The room's host: the report's roster must be signed by it (with replicas: its owner, named by the roster). */
  host: VatId;
  /** A room with replicas: the set its owner registered; the roster needs a majority of it (docs/protocol.md §6.10). */
  replicas?: readonly VatId[];
}

/** The roster a report carries, checked against the room as the service knows it. Throws `[bad-snapshot]`. */
export const openReportRoster = (
  roster: HeldSignature,
  opts: Pick<VerifyOptions, 'host' | 'replicas'>,
  room: string,
): HeldSnapshot => {
  if (roster === null || typeof roster !== 'object')
    throw Error('[bad-snapshot] the report carries no roster');
  if ('sig' in roster) return openSnapshot(roster, opts.host, room);
  const snapshot = openCertified(roster, opts.replicas ?? [], room);
  if (snapshot.host !== opts.host)
    throw Error(
      '[bad-snapshot] the replicated roster names another owner than the one that registered the room',
    );
  return snapshot;
};
harden(openReportRoster);

export const verifyReport = (signed: SignedReport, opts: VerifyOptions): Verification => {
  const reject = (why: string, report?: Report): Verification =>
    harden({
      verdict: 'rejected',
      rejected: why,
      problems: [],
      findings: [],
      items: [],
      ...(report ? { report, reportId: report.reportId } : {}),
    });
  let report: Report;
  try {
    report = openReport(signed);
  } catch (error) {
    return reject((error as Error).message);
  }
  if (report.reporter !== opts.reporter) {
    return reject(
      `[spoofed-reporter] the report names ${short(peerText(report.reporter, 52))} but came through the facet of ${short(opts.reporter)}`,
      report,
    );
  }
  let roster: HeldSnapshot;
  try {
    roster = openReportRoster(report.roster, opts, report.room);
  } catch (error) {
    return reject((error as Error).message, report);
  }
  if (!roster.members.some(m => m.vatId === report.reporter)) {
    return reject(
      `[not-a-member] reporter ${short(report.reporter)} is not in the roster it sent`,
      report,
    );
  }

  const problems: Problem[] = [];
  const findings: Finding[] = [];
  const members = new Set(roster.members.map(m => m.vatId));
  const items: ItemMark[] = [];
  const good: Array<{ envelope: Envelope; position: number }> = [];
  const seen = new Set<string>();
  const flagged = new Set(report.flagged);
  /** What an item mark tells the auditor about a line that opened. */
  const lineOf = ({ id, header, wire }: Envelope) => ({
    id,
    author: header.author,
    seq: header.seq,
    ts: header.ts,
    ...(header.to ? { to: header.to } : {}),
    disclosed: wire.content !== undefined,
    ...(wire.content !== undefined ? { text: wire.content } : {}),
    flagged: flagged.has(id),
  });
  /** Checks one window item and marks it; problems and findings go to the lists above. */
  const checkItem = (wire: (typeof report.window)[number], position: number) => {
    let envelope: Envelope;
    try {
      envelope = openEnvelope(wire);
    } catch (error) {
      problems.push({
        code: 'malformed-item',
        detail: `item ${position}: ${(error as Error).message}`,
      });
      items.push({ position, ok: false, disclosed: false });
      return;
    }
    const { author, seq, room, epoch } = envelope.header;
    const mark = (code: ProblemCode, detail: string) => {
      problems.push({ code, detail, id: envelope.id, author, seq });
      items.push({ position, ...lineOf(envelope), ok: false });
    };
    if (seen.has(envelope.id))
      return mark('duplicate-item', `item ${position} repeats an earlier item`);
    seen.add(envelope.id);
    if (!signatureHolds(envelope))
      return mark('bad-signature', `item ${position} is not signed by its author ${short(author)}`);
    if (room !== report.room) return mark('wrong-room', `item ${position} belongs to another room`);
    if (!members.has(author)) {
      if (epoch >= roster.epoch)
        return mark('not-a-member', `item ${position} is by ${short(author)}, not in the roster`);
      findings.push({
        code: 'former-member',
        author,
        seq,
        ids: [envelope.id],
        detail: `item ${position} is by ${short(author)}, who was in the room at epoch ${epoch} and is not in the roster of epoch ${roster.epoch}`,
      });
    }
    if (epoch > roster.epoch)
      return mark(
        'future-epoch',
        `item ${position} claims epoch ${epoch}, after the roster's ${roster.epoch}`,
      );
    if (!contentMatches(envelope))
      return mark('bad-content', `item ${position}'s content is not what its author signed`);
    items.push({ position, ...lineOf(envelope), ok: true });
    good.push({ envelope, position });
  };
  for (const [position, wire] of report.window.entries()) checkItem(wire, position);

  // Chains: per (author, stream), in seq order.
  const streams = new Map<string, Array<{ envelope: Envelope; position: number }>>();
  for (const item of good) {
    const key = `${item.envelope.header.author}|${item.envelope.stream}`;
    streams.set(key, [...(streams.get(key) ?? []), item]);
  }
  for (const chain of streams.values()) {
    const inListOrder = chain.map(c => c.envelope.header.seq);
    if (inListOrder.some((seq, i) => i > 0 && seq < inListOrder[i - 1]!)) {
      const { author } = chain[0]!.envelope.header;
      problems.push({
        code: 'reordered',
        detail: `items by ${short(author)} are out of their chain's order`,
        author,
      });
    }
    const sorted = [...chain].sort((a, b) => a.envelope.header.seq - b.envelope.header.seq);
    for (let i = 1; i < sorted.length; i += 1) {
      const [before, after] = [sorted[i - 1]!.envelope, sorted[i]!.envelope];
      const { author, seq } = after.header;
      if (seq === before.header.seq) {
        findings.push({
          code: 'equivocation',
          author,
          seq,
          ids: [before.id, after.id],
          detail: `${short(author)} signed two different lines as number ${seq}`,
        });
      } else if (seq > before.header.seq + 1) {
        problems.push({
          code: 'omission',
          detail: `${short(author)}'s envelopes ${before.header.seq + 1} to ${seq - 1} are missing`,
          author,
          seq: before.header.seq + 1,
        });
      } else if (after.header.prev !== before.id) {
        problems.push({
          code: 'broken-chain',
          detail: `${short(author)}'s envelope ${seq} does not follow the ${seq - 1} in the report`,
          id: after.id,
          author,
          seq,
        });
      }
    }
  }

  // Heads: what each author had seen of the others must match, and come first.
  const byPlace = new Map(
    good.map(g => [`${g.envelope.header.author}|${g.envelope.stream}|${g.envelope.header.seq}`, g]),
  );
  const authorsPresent = new Set(good.map(g => g.envelope.header.author));
  const missingParticipants = new Set<VatId>();
  for (const { envelope, position } of good) {
    for (const [author, seq, id] of envelope.header.heads) {
      const named = byPlace.get(`${author}|${PUBLIC}|${seq}`);
      if (
        named &&
        named.envelope.id !== id &&
        !findings.some(f => f.author === author && f.seq === seq)
      ) {
        problems.push({
          code: 'heads-mismatch',
          detail: `item ${position} saw ${short(author)}'s ${seq} as another envelope`,
          id: envelope.id,
          author,
          seq,
        });
      } else if (named && named.position > position) {
        problems.push({
          code: 'reordered',
          detail: `item ${position} comes before ${short(author)}'s ${seq}, which it had seen`,
          id: envelope.id,
          author,
          seq,
        });
      } else if (!authorsPresent.has(author) && members.has(author) && author !== report.reporter) {
        missingParticipants.add(author);
      }
    }
  }
  for (const author of missingParticipants) {
    problems.push({
      code: 'omission',
      detail: `${short(author)} is named in heads but none of its envelopes is in the report`,
      author,
    });
  }
  for (const id of report.flagged) {
    if (!good.some(g => g.envelope.id === id))
      problems.push({
        code: 'unknown-flagged',
        detail: 'a flagged envelope is not a good item of the window',
        id,
      });
  }
  return harden({
    verdict: problems.length ? 'partial' : 'verified',
    reportId: report.reportId,
    problems,
    findings,
    items,
    report,
    roster,
  });
};
harden(verifyReport);
