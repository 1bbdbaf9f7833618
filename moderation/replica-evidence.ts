// moderation/replica-evidence.ts: what a replica of a room signed against
// itself (docs/protocol.md §4.8.6), filed by the room's owner as a report
// against that replica (§6.10): checked (the evidence holds, and names a
// replica of the set the owner registered), archived as a report entry, and
// placed in a case whose accused is the replica, for auditors to act on.
import { createHash } from 'node:crypto';
import { short, type VatId } from '../captp-transport/index.js';
import { canonical } from '../presence/index.js';
import { checkEvidence, type Evidence } from '../unum/index.js';
import type { EntryKind, Receipt } from './archive.js';
import type { Cases } from './cases.js';
import type { RoomRegistry } from './room-registry.js';

/** The category of a report made of replica evidence. */
export const REPLICA_CATEGORY = 'replica-misconduct';

export const makeEvidenceDesk = (deps: {
  rooms: RoomRegistry;
  cases: Cases;
  log(kind: EntryKind, body: unknown): Promise<Receipt>;
}) =>
  harden({
    /** `host` (the room's owner) files `evidence`; answers like a report: its case and receipt. */
    async file(host: VatId, room: string, evidence: Evidence) {
      const record = deps.rooms.need(room);
      if (record.host !== host)
        throw Error(
          `[unknown-room] vat ${short(host)} has registered no room ${JSON.stringify(room)}`,
        );
      const checked = checkEvidence(evidence);
      if (checked.room !== room)
        throw Error(`[wrong-room] the evidence is about room ${checked.room}, not ${room}`);
      if (!record.replicas?.includes(checked.replica))
        throw Error(
          `[bad-evidence] vat ${short(checked.replica)} is not a replica of ${room} as its owner registered it`,
        );
      const summary = {
        reportId: createHash('sha256').update(canonical(checked)).digest('hex'),
        room,
        reporter: host,
        accused: [checked.replica],
        category: REPLICA_CATEGORY,
        flagged: [] as string[],
      };
      const placed = deps.cases.place(room, summary.accused, { ...summary, verdict: 'verified' });
      const receipt = await deps.log('report', {
        ...summary,
        caseId: placed.caseId,
        verdict: 'verified',
        rejected: null,
        problems: [],
        findings: [],
        duplicate: placed.duplicate,
        evidence: checked,
      });
      deps.cases.add(
        placed.caseId,
        { ...summary, verdict: 'verified', entry: receipt.index },
        placed.duplicate,
      );
      return harden({
        verdict: 'verified',
        caseId: placed.caseId,
        duplicate: placed.duplicate,
        receipt,
      });
    },
  });
harden(makeEvidenceDesk);
