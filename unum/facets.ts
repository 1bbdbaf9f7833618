// unum/facets.ts: the interface guards of the unum's far objects, which are
// also their types. Facets are capabilities: holding one is the permission.
//   Join        (the invite's target, one per joining vat)  join, describe
//   MemberFacet (one per member, revoked on leave/kick)     leave
//   Admin       (the room owner's)                          kick, ban, unban, mute, setRuleset, setCapacity, setOpen, roster
//   MemberLink  (each member's, held by the host)           update, inboxGiftFor
import { M, type TypeFromInterfaceGuard } from '@endo/patterns';
import { MAX_REF_CHARS, SignatureShape, VatIdShape } from '../vat/index.js';
import { CertifiedShape } from './quorum/door-facets.js';

export const SignedSnapshotShape = harden({
  snapshot: M.string({ stringLengthLimit: 1 << 20 }),
  sig: SignatureShape,
});
const GiftShape = harden({
  vatId: VatIdShape,
  gift: M.string({ stringLengthLimit: MAX_REF_CHARS }),
});

export const JoinRequestShape = M.splitRecord(
  {
    // Room for normalisation: the 64-character rule is checked after NFKC (unum/member-name.ts).
    name: M.string({ stringLengthLimit: 256 }),
    address: M.string({ stringLengthLimit: 300 }),
    link: M.remotable('MemberLink'),
  },
  // A monitor (EC's random monitoring) joins visibly: its role is in the roster for all to see.
  // `reattach`: a member coming back after a break, which must not re-admit one removed meanwhile.
  { monitor: M.boolean(), reattach: M.boolean() },
);

/** What `describe()` answers: checked by the joiner too (it is the host's word). */
export const RoomInfoShape = harden({
  room: M.string({ stringLengthLimit: 200 }),
  type: M.string({ stringLengthLimit: 64 }),
  name: M.string({ stringLengthLimit: 200 }),
  host: VatIdShape,
});

export const JoinI = M.interface('Join', {
  describe: M.call().returns(RoomInfoShape),
  join: M.callWhen(JoinRequestShape).returns(M.record()),
});

export const MemberFacetI = M.interface('MemberFacet', {
  leave: M.callWhen().returns(M.undefined()),
});

export const AdminI = M.interface('Admin', {
  kick: M.callWhen(VatIdShape, M.string({ stringLengthLimit: 1000 })).returns(M.undefined()),
  ban: M.callWhen(
    VatIdShape,
    harden({ durationMs: M.number(), reason: M.string({ stringLengthLimit: 1000 }) }),
  ).returns(M.undefined()),
  unban: M.callWhen(VatIdShape)
    .optional(M.string({ stringLengthLimit: 1000 }))
    .returns(M.undefined()),
  /** `durationMs` 0 (the default) for no end; the reason is shown to the member and the room. */
  mute: M.callWhen(VatIdShape, M.boolean())
    .optional(
      M.splitRecord({}, { durationMs: M.number(), reason: M.string({ stringLengthLimit: 1000 }) }),
    )
    .returns(M.undefined()),
  setRuleset: M.callWhen(M.record()).returns(M.undefined()),
  setCapacity: M.callWhen(M.number()).returns(M.undefined()),
  setOpen: M.callWhen(M.boolean()).returns(M.undefined()),
  /** The signed state: the host's signature, or in a replicated room a majority's certificate. */
  roster: M.call().returns(M.or(SignedSnapshotShape, CertifiedShape)),
});

export const ChangeShape = M.splitRecord(
  {},
  {
    linkTo: M.arrayOf(GiftShape),
    removed: M.string({ stringLengthLimit: 1000 }),
    // The outcome of this member's critical request (envelope id): applied in this snapshot, or refused and why.
    decided: M.splitRecord(
      { request: M.string({ stringLengthLimit: 64 }) },
      { refused: M.string({ stringLengthLimit: 1000 }) },
    ),
  },
);

export const MemberLinkI = M.interface('MemberLink', {
  /** The host's signed state, or in a replicated room a replica's certified one (docs/protocol.md §4.9). */
  update: M.call(M.or(SignedSnapshotShape, CertifiedShape))
    .optional(ChangeShape)
    .returns(M.undefined()),
  inboxGiftFor: M.call(VatIdShape).returns(M.string()),
  /** In a replicated room, from a replica that sends no whole state: it holds this cseq, with this hash (docs/protocol.md §4.9.4). */
  confirm: M.call(M.number(), M.string({ stringLengthLimit: 43 })).returns(M.undefined()),
});

export interface PeerGift {
  vatId: string;
  gift: string;
}

export interface Change {
  /** Peers to link to, with gifts for their inboxes. */
  linkTo?: PeerGift[];
  /** Set when this member was removed: why. */
  removed?: string;
  /** The outcome of this member's critical request: applied in this snapshot, or refused. */
  decided?: { request: string; refused?: string };
}

export interface JoinResult {
  member: unknown;
  snapshot: { snapshot: string; sig: string };
  peers: PeerGift[];
  /** A gift for the host presence's inbox, for requests to the host. */
  hostInbox: string;
  /** Services the host introduces: name -> gift URI for this member. */
  services: Record<string, string>;
}

/** Each far interface's type is its guard's. */
export type Join = TypeFromInterfaceGuard<typeof JoinI>;
export type Admin = TypeFromInterfaceGuard<typeof AdminI>;
export type MemberFacet = TypeFromInterfaceGuard<typeof MemberFacetI>;
export type MemberLink = TypeFromInterfaceGuard<typeof MemberLinkI>;
