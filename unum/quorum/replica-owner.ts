// unum/quorum/replica-owner.ts: what only a room's owner holds (docs/protocol.md
// §4.9.1): the admin facet, whose every change is a request the owner signs
// and the majority decides; the replica invite, which admits replicas until
// the set is complete; and the replacement of a replica.
import { makeExo } from '@endo/exo';
import { short, type VatId } from '../../captp-transport/index.js';
import { parseRef, type Vat } from '../../vat/index.js';
import { AdminI, type Admin } from '../facets.js';
import { replicaIds } from './certified.js';
import { ReplicaInviteI } from './door-facets.js';
import type { makeMemberDesk } from './member-desk.js';
import type { ReplicaCore } from './replica-core.js';
import type { ServedRoom } from './replica-tables.js';
import { signRequest } from './request.js';

export const makeOwnerFacets = <State>(opts: {
  vat: Vat;
  served: ServedRoom;
  core: ReplicaCore<State>;
  desk: ReturnType<typeof makeMemberDesk<State>>;
  /** Whether the replica set has the size the owner asked for. */
  complete: () => boolean;
  checkRuleset?: (ruleset: Record<string, unknown>) => void;
}) => {
  const { vat, served, core, desk, complete, checkRuleset } = opts;
  const current = () => core.snapshot();
  /** Signs a request as this vat, sends it to every replica and waits for the majority's decision. */
  const ask = async (kind: string, content: Record<string, unknown>) => {
    const { signed, id } = signRequest(
      { room: served.room, kind, author: vat.id, content: JSON.stringify(content) },
      m => vat.sign(m),
    );
    const decided = desk.decision(id);
    core.submitToAll(signed);
    return decided;
  };

  const admin: Admin = makeExo(`Admin ${served.room}`, AdminI, {
    kick: async (vatId: VatId, reason: string) => void (await ask('kick', { vatId, reason })),
    ban: async (vatId: VatId, { durationMs, reason }: { durationMs: number; reason: string }) =>
      void (await ask('ban', { vatId, durationMs, reason })),
    unban: async (vatId: VatId, reason = '') => void (await ask('unban', { vatId, reason })),
    mute: async (vatId: VatId, muted: boolean, o: { durationMs?: number; reason?: string } = {}) =>
      void (await ask('mute', {
        vatId,
        muted,
        durationMs: o.durationMs ?? 0,
        reason: o.reason ?? '',
      })),
    setRuleset: async (ruleset: Record<string, unknown>) => {
      checkRuleset?.(ruleset); // before it is signed: replicas without the check apply what the owner signs
      await ask('ruleset', { ruleset });
    },
    setCapacity: async (capacity: number) => void (await ask('capacity', { capacity })),
    setOpen: async (open: boolean) => void (await ask('open', { open })),
    roster: () => core.certified() as never,
  });

  /** A replica the owner is replacing: the next vat to enter takes its place. */
  let replacing: VatId | undefined;
  const replicaInvite = vat.exportPerPeer(
    peer =>
      makeExo(`ReplicaInvite ${served.room} for ${short(peer)}`, ReplicaInviteI, {
        describe: () => harden({ room: served.room, type: current().type }),
        async enter(ref: string) {
          if (parseRef(ref, 's').vatId !== peer)
            throw Error(`[bad-ref] a replica enters with the ref of its own door`);
          if (!replicaIds(current()).includes(peer)) {
            const old = replacing;
            if (old !== undefined) {
              replacing = undefined; // one vat takes the place
              await ask('replace-replica', { old, vatId: peer, ref }).catch(error => {
                replacing = old;
                throw error;
              });
            } else if (complete()) {
              throw Error(
                `[full] ${JSON.stringify(current().name)} already has its ${served.target} replicas; to put a new one in a replica's place, replace that one first`,
              );
            } else await ask('add-replica', { vatId: peer, ref });
          }
          return core.certified();
        },
      }),
    { name: `quorum-invite:${served.room}` },
  );

  return harden({
    admin,
    replicaInvite,
    /** The next vat to enter with the replica invite takes `old`'s place. */
    replaceReplica(old: VatId) {
      if (old === vat.id || !replicaIds(current()).includes(old))
        throw Error(
          `[not-a-replica] vat ${short(old)} is not a replica of ${JSON.stringify(current().name)} that its owner can replace`,
        );
      replacing = old;
    },
  });
};
harden(makeOwnerFacets);
