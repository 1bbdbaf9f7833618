// unum/snapshot.ts: the host presence's critical state, signed (docs/protocol.md §4).
//
//   snapshot = { v:1, room, type, name, host, epoch, cseq, members, bans, rulesetHash, state[, notice] }
//   bytes    = "stoa/roster/v1\n" + canonical(snapshot); sig = Ed25519(host key, bytes)
//
// `epoch` counts roster changes (join, leave, kick, ban, mute, ruleset);
// `notice` says what a moderation change did, for members to show;
// `cseq` counts every change, the unum's own critical state (`state`)
// included, so a member keeps whichever signed snapshot has the highest cseq.
import {
  checkVatId,
  domainSignatureHolds,
  short,
  signWithDomain,
  type VatId,
} from '../captp-transport/index.js';
import { M, matches } from '@endo/patterns';
import { canonical } from '../presence/index.js';
import { VatIdShape } from '../vat/index.js';
import type { CertifiedSnapshot, QuorumSnapshot } from './quorum/certified.js';

/** The signed state as it travels: the host's signature (v1) or a majority's certificate (v2). */
export type HeldSignature = SignedSnapshot | CertifiedSnapshot;

export const SNAPSHOT_DOMAIN = 'stoa/roster/v1\n';

export type Role = 'member' | 'monitor';

export interface Member {
  vatId: VatId;
  name: string;
  role: Role;
  /** `host:port` where the member's vat listens. */
  address: string;
  /** The epoch at which it joined: its envelopes may not claim an earlier one. */
  joinedAt: number;
  muted: boolean;
  /** With `muted`: when the mute ends (ms since the Unix epoch); absent or 0 for no end. */
  mutedUntil?: number;
  /** With `muted`: the statement of reasons the member is shown. */
  muteReason?: string;
}

export interface Ban {
  vatId: VatId;
  /** ms since the Unix epoch; 0 for a ban without end. */
  until: number;
  reason: string;
}

/** What a moderation change did, carried in the snapshot it made, so every member can show it. */
export interface Notice {
  what: 'kick' | 'ban' | 'unban' | 'mute' | 'unmute';
  vatId: VatId;
  /** The member's name in the room, or `""` when the host no longer knows it (an unban). */
  name: string;
  reason: string;
  /** When a mute or ban ends (ms since the Unix epoch); 0 for no end or not timed. */
  until: number;
  ts: number;
}

export interface Snapshot<State = unknown> {
  v: 1;
  room: string;
  type: string;
  name: string;
  host: VatId;
  epoch: number;
  cseq: number;
  members: Member[];
  bans: Ban[];
  rulesetHash: string;
  state: State;
  /** Only in the snapshot a kick, ban, unban, mute or unmute made. */
  notice?: Notice;
}

/** The critical state a member holds: its host's (v1), or a replicated room's (v2, docs/protocol.md §4.8). */
export type HeldSnapshot<State = unknown> = Snapshot<State> | QuorumSnapshot<State>;

/** A snapshot as it travels: the exact signed text and the host's signature. */
export interface SignedSnapshot {
  snapshot: string;
  sig: string;
}

export const signSnapshot = (
  snapshot: Snapshot,
  sign: (message: Uint8Array) => Uint8Array,
): SignedSnapshot => {
  const text = canonical(snapshot);
  return harden({ snapshot: text, sig: signWithDomain(SNAPSHOT_DOMAIN, text, sign) });
};
harden(signSnapshot);

export const CountShape = M.and(M.number(), M.gte(0), M.lte(Number.MAX_SAFE_INTEGER));
const count = CountShape;
const text = (limit: number) => M.string({ stringLengthLimit: limit });
const MemberShape = M.splitRecord(
  {
    vatId: VatIdShape,
    name: text(256),
    role: M.or('member', 'monitor', 'owner'), // `owner`: older snapshots (docs/protocol.md §4.1)
    address: text(300),
    joinedAt: count,
    muted: M.boolean(),
  },
  { mutedUntil: count, muteReason: text(1000) },
);
export const NoticeShape = harden({
  what: M.or('kick', 'ban', 'unban', 'mute', 'unmute'),
  vatId: VatIdShape,
  name: text(256),
  reason: text(1000),
  until: count,
  ts: count,
});
const BanShape = harden({ vatId: VatIdShape, until: count, reason: text(1000) });
/** The fields of a snapshot after `v`, shared with the replicated form (unum/quorum/certified.ts). */
export const SNAPSHOT_FIELDS = harden({
  room: text(200),
  type: text(64),
  name: text(200),
  host: VatIdShape,
  epoch: count,
  cseq: count,
  members: M.arrayOf(MemberShape, { arrayLengthLimit: 10_000 }),
  bans: M.arrayOf(BanShape, { arrayLengthLimit: 100_000 }),
  rulesetHash: text(64),
  state: M.any(),
});
/** The form of a snapshot; its signature and host are checked first. */
const SnapshotShape = M.splitRecord({ v: 1, ...SNAPSHOT_FIELDS }, { notice: NoticeShape });

/** Checks the host's signature, the room and the form; returns the snapshot. Throws `[bad-snapshot]`. */
export const openSnapshot = <State>(
  signed: SignedSnapshot,
  host: VatId,
  room?: string,
): Snapshot<State> => {
  const bad = (why: string): never => {
    throw Error(`[bad-snapshot] roster from host ${short(host)} ${why}`);
  };
  if (
    typeof signed?.snapshot !== 'string' ||
    typeof signed.sig !== 'string' ||
    signed.snapshot.length > 1 << 20
  )
    bad('is not a signed snapshot');
  if (!domainSignatureHolds(SNAPSHOT_DOMAIN, signed.snapshot, signed.sig, host))
    bad('has a bad signature');
  let snapshot: Snapshot<State>;
  try {
    snapshot = JSON.parse(signed.snapshot);
  } catch {
    return bad('is not JSON');
  }
  if (snapshot?.v !== 1 || snapshot.host !== host) bad('names another host');
  if (room !== undefined && snapshot.room !== room) bad(`is for another room`);
  harden(snapshot);
  if (!matches(snapshot, SnapshotShape))
    bad('is not in the form of a roster (docs/protocol.md §4.1)');
  for (const m of snapshot.members) checkVatId(m.vatId);
  return snapshot;
};
harden(openSnapshot);
