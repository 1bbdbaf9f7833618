// unum/quorum/door-facets.ts: the interface guards of a replicated room's far
// objects (docs/protocol.md §4.9), which are also their types.
//   ReplicaDoor    (one per replica, made per caller)  members: describe, join, attach, submit;
//                                                      replicas: timeslot, signature, timeslots, request, certified
//   ReplicaInvite  (the owner's, until the set is complete)  enter
import { M, type TypeFromInterfaceGuard } from '@endo/patterns';
import { MAX_REF_CHARS, SignatureShape, VatIdShape } from '../../vat/index.js';
import { MAX_REQUEST_CHARS } from './request.js';
import { MAX_ARRIVALS } from './timeslot.js';

const snapshotText = M.string({ stringLengthLimit: 1 << 20 });
export const CertifiedShape = harden({
  snapshot: snapshotText,
  sigs: M.arrayOf(harden({ by: VatIdShape, sig: SignatureShape }), { arrayLengthLimit: 14 }),
});
export const StatementShape = harden({ snapshot: snapshotText, sig: SignatureShape });
export const SignedRequestShape = harden({
  request: M.string({ stringLengthLimit: MAX_REQUEST_CHARS }),
  sig: SignatureShape,
});
export const SignedTimeslotShape = harden({
  timeslot: M.string({ stringLengthLimit: 64 + MAX_ARRIVALS * 80 }),
  sig: SignatureShape,
});
const GiftShape = harden({
  vatId: VatIdShape,
  gift: M.string({ stringLengthLimit: MAX_REF_CHARS }),
});

/** What `describe()` answers: the room and its newest certified state (the joiner checks both). */
export const QuorumRoomInfoShape = harden({
  room: M.string({ stringLengthLimit: 200 }),
  type: M.string({ stringLengthLimit: 64 }),
  name: M.string({ stringLengthLimit: 200 }),
  host: VatIdShape,
  certified: CertifiedShape,
});

export const QuorumJoinResultShape = harden({
  certified: CertifiedShape,
  /** Gifts to the other members' inboxes, from the replica the member joined through. */
  peers: M.arrayOf(GiftShape, { arrayLengthLimit: 10_000 }),
  services: M.recordOf(
    M.string({ stringLengthLimit: 64 }),
    M.string({ stringLengthLimit: MAX_REF_CHARS }),
  ),
});

export const ReplicaDoorI = M.interface('ReplicaDoor', {
  describe: M.call().returns(QuorumRoomInfoShape),
  /** The member's join request, and its link for this replica: resolves once a majority decided it. */
  join: M.callWhen(
    harden({ request: SignedRequestShape, link: M.remotable('MemberLink') }),
  ).returns(QuorumJoinResultShape),
  /** The member's link for this replica (and its join request, sent to every replica); `services`: introduce them again. */
  attach: M.callWhen(
    M.splitRecord(
      { link: M.remotable('MemberLink') },
      { request: SignedRequestShape, services: M.boolean() },
    ),
  ).returns(
    M.splitRecord({ certified: CertifiedShape }, { services: QuorumJoinResultShape.services }),
  ),
  submit: M.call(SignedRequestShape).returns(harden({ id: M.string({ stringLengthLimit: 43 }) })),
  // From the other replicas only.
  timeslot: M.call(SignedTimeslotShape).returns(M.undefined()),
  signature: M.call(StatementShape).returns(M.undefined()),
  timeslots: M.call(VatIdShape, M.number()).returns(
    M.arrayOf(SignedTimeslotShape, { arrayLengthLimit: 256 }),
  ),
  request: M.call(M.string({ stringLengthLimit: 43 })).returns(M.opt(SignedRequestShape)),
  certified: M.call().returns(CertifiedShape),
});

export const ReplicaInviteI = M.interface('ReplicaInvite', {
  describe: M.call().returns(
    harden({
      room: M.string({ stringLengthLimit: 200 }),
      type: M.string({ stringLengthLimit: 64 }),
    }),
  ),
  /** The calling vat becomes a replica, its door at `ref`: resolves with the certified state that added it. */
  enter: M.callWhen(M.string({ stringLengthLimit: MAX_REF_CHARS })).returns(CertifiedShape),
});

export type ReplicaDoor = TypeFromInterfaceGuard<typeof ReplicaDoorI>;
export type ReplicaInvite = TypeFromInterfaceGuard<typeof ReplicaInviteI>;
