// unum/quorum/replica-door.ts: a replica's door (docs/protocol.md §4.9.2),
// made per caller: members describe the room, join, attach and submit their
// own requests; the other replicas of the set send timeslots and signatures
// and ask their questions. Whatever arrives is checked before the core sees it.
import { makeExo } from '@endo/exo';
import { short, type VatId } from '../../captp-transport/index.js';
import { replicaIds } from './certified.js';
import { ReplicaDoorI } from './door-facets.js';
import type { makeMemberDesk } from './member-desk.js';
import type { ReplicaCore } from './replica-core.js';
import { openRequest, type SignedRequest } from './request.js';

export const makeDoorFacet = <State>(opts: {
  room: string;
  core: ReplicaCore<State>;
  desk: ReturnType<typeof makeMemberDesk<State>>;
  /** Services introduced again to a member that asks (`attach({ services: true })`). */
  introduce?: (member: VatId) => Promise<Record<string, string>>;
  /** Tests only: a replica that drops requesters' requests (ReplicaFaults). */
  dropRequests: boolean;
}) => {
  const { room, core, desk, introduce, dropRequests } = opts;
  const current = () => core.snapshot();
  const replicaOnly = (peer: VatId) => {
    if (!replicaIds(core.snapshot()).includes(peer))
      throw Error(`[not-a-replica] vat ${short(peer)} is not a replica of ${room}`);
  };
  const ownJoin = (peer: VatId, signed: SignedRequest) => {
    const { request } = openRequest(signed, room);
    if (request.kind !== 'join' || request.author !== peer)
      throw Error(`[bad-request] a join to ${room} must be the caller's own join request`);
  };
  return (peer: VatId) =>
    makeExo(`ReplicaDoor ${room} for ${short(peer)}`, ReplicaDoorI, {
      describe: () =>
        harden({
          room,
          type: current().type,
          name: current().name,
          host: current().host,
          certified: core.certified(),
        }),
      async join({ request, link }) {
        ownJoin(peer, request);
        return desk.join(peer, link as never, request);
      },
      async attach({ link, request, services }) {
        if (request) {
          ownJoin(peer, request);
          desk.hold(
            peer,
            link as never,
            dropRequests ? openRequest(request, room).id : core.submit(request).id,
          );
        } else if (core.snapshot().members.some(m => m.vatId === peer)) {
          desk.hold(peer, link as never);
        } else {
          throw Error(
            `[not-a-member] vat ${short(peer)} is not a member of ${JSON.stringify(current().name)}`,
          );
        }
        const introduced = services && introduce ? await introduce(peer) : undefined;
        return harden({
          certified: core.certified(),
          ...(introduced ? { services: introduced } : {}),
        });
      },
      submit(request) {
        const { request: r, id } = openRequest(request, room);
        if (dropRequests && r.author !== core.self) return harden({ id });
        // A replica passes on what others asked; anyone else asks only for itself.
        if (r.author !== peer && !replicaIds(core.snapshot()).includes(peer))
          throw Error(`[bad-request] vat ${short(peer)} may submit only its own requests`);
        return core.submit(request);
      },
      timeslot(slot) {
        replicaOnly(peer);
        core.receiveTimeslot(slot);
      },
      signature(statement) {
        replicaOnly(peer);
        core.receiveSignature(peer, statement);
      },
      timeslots(replica, fromSeq) {
        replicaOnly(peer);
        return harden(core.timeslotsOf(replica, fromSeq));
      },
      request(id) {
        replicaOnly(peer);
        return core.requestById(id);
      },
      certified() {
        replicaOnly(peer);
        return core.certified();
      },
    });
};
harden(makeDoorFacet);
