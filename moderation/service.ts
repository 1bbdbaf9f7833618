// moderation/service.ts: the operator's moderation service
// (docs/protocol.md §6–§8), wired from its pieces: the archive (a Merkle log
// in SQLite or PostgreSQL), the cases and the auditor grants replayed from
// it, the rooms registered by their hosts (room-registry.ts), the members'
// report facets (report-facet.ts) and the auditors' facets (auditor.ts).
// Everything a capability, a sanction or a receipt depends on is in the log
// or the operator vat's tables before it is acknowledged, so a restarted
// service is the service it was, without the operator repeating anything.
import { join } from 'node:path';
import { makeExo } from '@endo/exo';
import type { VatId } from '../captp-transport/index.js';
import type { HeldSignature } from '../unum/index.js';
import type { Vat } from '../vat/index.js';
import { openArchive, type Archive, type EntryKind } from './archive.js';
import type { ArchiveStore } from './archive-store.js';
import { makeAuditor } from './auditor.js';
import { makeCases, replayCases } from './cases.js';
import { IntakeI } from './facets.js';
import { makeLogGrowth } from './log-growth.js';
import { makeNameBook, type NameBook } from './names.js';
import { openGrants, type AuditorRole } from './grants.js';
import { openPgArchiveStore } from './pg-archive-store.js';
import { makeReportDesk } from './report-facet.js';
import { makeEvidenceDesk } from './replica-evidence.js';
import { openReportRoster } from './verify-report.js';
import { openRoomRegistry, type RoomRegistry } from './room-registry.js';
import { changeRuleset } from './ruleset-change.js';
import { openSqliteArchiveStore } from './sqlite-archive-store.js';

export type { AuditorRole } from './grants.js';

export const DEFAULT_MODERATION_LIMITS = harden({
  /** Reports one member (by VatId) may send in a burst… */
  reportBurst: 5,
  /** …then one more per this many ms. */
  reportRefillMs: 60_000,
  /** How long a member's report gift stays redeemable. */
  reportGiftTtlMs: 24 * 60 * 60_000,
});
export type ModerationLimits = { -readonly [K in keyof typeof DEFAULT_MODERATION_LIMITS]: number };

export interface ModerationOptions {
  /** `sqlite:PATH` (default: moderation.db in the vat's data directory) or `postgres://…`. */
  archive?: string;
  limits?: Partial<ModerationLimits>;
}

export interface Moderation {
  /** Sturdy ref rooms are configured with (the intake for room hosts). */
  readonly reportInbox: string;
  readonly operator: VatId;
  readonly archive: Archive;
  /**
   * The label's live auditor capability of `role`, made if there is none;
   * returns its sturdy ref, which survives restarts. The grant is logged
   * before the facet works (`settled()` waits for that).
   */
  grant(role: AuditorRole, opts: { label: string }): string;
  /** Revokes every grant under `label` (logged first); a revoked capability is refused for good. */
  revoke(label: string): Promise<void>;
  /** Resolves once every grant and revocation made so far is in the log. */
  settled(): Promise<void>;
  /** Closes the archive (the vat stays up). */
  close(): Promise<void>;
}

/** `sqlite:PATH` or `postgres://…` (also `postgresql://…`). */
export const openArchiveStore = async (spec: string): Promise<ArchiveStore> => {
  if (spec.startsWith('sqlite:')) return openSqliteArchiveStore(spec.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(spec)) return openPgArchiveStore(spec);
  throw Error('[bad-archive] an archive is sqlite:PATH or postgres://URL');
};

const REPLAYED: readonly EntryKind[] = ['report', 'context', 'action', 'dismiss'];

/** A replayed report's names, only from a roster its room's host signed (a rejected report may carry any). */
const learnNamesFromReport = (
  names: NameBook,
  rooms: RoomRegistry,
  room: string,
  body: { signed?: { report?: string } },
) => {
  try {
    const record = rooms.get(room);
    const roster = JSON.parse(body.signed?.report ?? '').roster;
    if (record) names.learn(room, openReportRoster(roster, record, room).members);
  } catch {
    // not a report with a roster of this room's host: nothing to learn
  }
};

export const startModeration = async (
  vat: Vat,
  opts: ModerationOptions = {},
): Promise<Moderation> => {
  const limits: ModerationLimits = { ...DEFAULT_MODERATION_LIMITS, ...opts.limits };
  const spec = opts.archive ?? `sqlite:${join(vat.dataDir, 'moderation.db')}`;
  const archive = await openArchive(await openArchiveStore(spec), vat);
  const growth = makeLogGrowth(() => archive.size());
  const log = async (kind: EntryKind, body: unknown) => {
    const receipt = await archive.append(kind, body);
    // Waiters wake after the caller has recorded the entry in its case (its code right after this await).
    setImmediate(() => growth.grew(archive.size()));
    return receipt;
  };
  const cases = makeCases();
  const names = makeNameBook();
  const rooms = openRoomRegistry(vat);
  replayCases(
    cases,
    (await Promise.all(REPLAYED.map(kind => archive.list(kind, 1_000_000)))).flat(),
    (room, body) => learnNamesFromReport(names, rooms, room, body),
  );
  const reports = makeReportDesk({ vat, archive, cases, names, growth, rooms, log, limits });
  const evidenceDesk = makeEvidenceDesk({ rooms, cases, log });
  const grants = await openGrants(vat, archive, log, (grant, auditor) =>
    makeAuditor(grant, auditor, {
      archive,
      cases,
      names,
      growth,
      rooms,
      reports,
      log,
      grant: (role, label) => grants.grantLogged(role, label),
      revoke: label => grants.revoke(label),
    }),
  );

  const reportInbox = vat.exportPerPeer(
    host => {
      const hostsRoom = (room: string) => {
        const record = rooms.get(room);
        if (!record || record.host !== host)
          throw Error(
            `[unknown-room] vat ${host.slice(0, 8)} has registered no room ${JSON.stringify(room)}`,
          );
      };
      return makeExo(`Intake for ${host.slice(0, 8)}`, IntakeI, {
        describe: () => harden({ operator: vat.id }),
        async registerRoom(signed, enforcerRef) {
          const roster = rooms.register(host, signed as unknown as HeldSignature, enforcerRef);
          names.learn(roster.room, roster.members);
        },
        reportReplica: (room, evidence) => evidenceDesk.file(host, room, evidence as never),
        reportGiftFor(room, member) {
          hostsRoom(room);
          return vat.giftFor(reports.facetFor(room, member), member, {
            ttlMs: limits.reportGiftTtlMs,
          });
        },
        /** The host's own ruleset change: logged like an admin auditor's (label `host`). */
        setRuleset: (room, ruleset) => {
          hostsRoom(room);
          return changeRuleset({ rooms, log }, { room, ruleset, label: 'host', host });
        },
      });
    },
    { name: 'moderation:intake' },
  );

  return harden({
    reportInbox,
    operator: vat.id,
    archive,
    grant: (role: AuditorRole, { label }: { label: string }) => grants.grant(role, label),
    revoke: (label: string) => grants.revoke(label),
    settled: () => grants.settled(),
    close: () => archive.close(),
  });
};
harden(startModeration);
