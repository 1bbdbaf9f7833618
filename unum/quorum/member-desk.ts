// unum/quorum/member-desk.ts: a replica's side of the members
// (docs/protocol.md §4.9): their links to this replica, each told every
// certified state and the refusals of its own requests; the joins that came
// through this replica, answered once decided and introduced to the other
// members; and the grace window, after which this replica says (as a signed
// request of its own) that a member whose session broke is gone.
import { E, type ERef } from '@endo/far';
import { short, type VatId } from '../../captp-transport/index.js';
import type { Vat } from '../../vat/index.js';
import type { Change, MemberLink, PeerGift } from '../facets.js';
import { giftsFromNewcomer, introducePeers } from '../introductions.js';
import type { UnumLimits } from '../limits.js';
import { withTimeout } from '../serial.js';
import {
  replicaIds,
  snapshotHash,
  type CertifiedSnapshot,
  type QuorumSnapshot,
} from './certified.js';
import { majorityOf } from './order.js';
import type { ReplicaCore } from './replica-core.js';
import { signRequest } from './request.js';

interface Held {
  link: ERef<MemberLink>;
  stopWatching: () => void;
  grace?: () => void;
}

export const makeMemberDesk = <State>(opts: {
  vat: Vat;
  core: ReplicaCore<State>;
  limits: UnumLimits;
  /** Services introduced to a member that joins through this replica (e.g. its report facet). */
  introduce?: (member: VatId) => Promise<Record<string, string>>;
}) => {
  const { vat, core, limits } = opts;
  const held = new Map<VatId, Held>();
  /** Members whose join is not decided yet: kept though the roster does not name them. */
  const joining = new Set<VatId>();
  const inRoster = (vatId: VatId) => core.snapshot().members.some(m => m.vatId === vatId);

  const tell = (link: ERef<MemberLink>, change?: Change) =>
    withTimeout(
      Promise.resolve(E(link).update(core.certified() as never, ...(change ? [change] : []))),
      limits.introductionTimeoutMs,
      'telling a member',
    ).catch(() => {}); // an unreachable member catches up when it attaches again

  const drop = (vatId: VatId) => {
    const h = held.get(vatId);
    h?.stopWatching();
    h?.grace?.();
    held.delete(vatId);
  };

  /** After graceMs with its session broken, a member is said gone (once a majority agrees to the request, it is). */
  const startGrace = (vatId: VatId, link: ERef<MemberLink>) => {
    const h = held.get(vatId);
    if (!h || h.link !== link) return;
    h.grace?.();
    const timer = setTimeout(() => {
      if (held.get(vatId)?.link !== link || !inRoster(vatId)) return;
      const { signed } = signRequest(
        {
          room: core.snapshot().room,
          kind: 'gone',
          author: vat.id,
          content: JSON.stringify({ vatId }),
        },
        m => vat.sign(m),
      );
      try {
        core.submitToAll(signed);
      } catch {} // a full or closing replica: the others say it too
    }, limits.graceMs);
    timer.unref();
    h.grace = () => clearTimeout(timer);
  };

  /** Keeps a member's link (replacing an older one) and watches its session; `pending`: its join, until decided. */
  const hold = (vatId: VatId, link: ERef<MemberLink>, pending?: string) => {
    drop(vatId);
    held.set(vatId, {
      link,
      stopWatching: vat.onPeerBroken(vatId, () => startGrace(vatId, link)),
    });
    if (pending === undefined) return;
    joining.add(vatId);
    void decision(pending)
      .catch(() => {})
      .finally(() => {
        joining.delete(vatId);
        if (!inRoster(vatId) && held.get(vatId)?.link === link) drop(vatId);
      });
  };

  /** Waits until request `id` is decided here: the certified state it made, or its refusal. */
  const decision = (id: string) =>
    new Promise<CertifiedSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          Error(
            `[no-quorum] no majority of the replicas of ${core.snapshot().room} decided the request within ${limits.hostWaitMs} ms; try again when more of them are up`,
          ),
        );
      }, limits.hostWaitMs);
      timer.unref();
      const off = core.on('decided', d => {
        if (d.id !== id) return;
        off();
        clearTimeout(timer);
        if (d.refused !== undefined) reject(Error(d.refused));
        else resolve(core.certified());
      });
    });

  /** The introductions a join through this replica makes once decided: gifts both ways with every other member held here. */
  const introduce = async (newcomer: VatId, link: ERef<MemberLink>): Promise<PeerGift[]> => {
    const others = [...held.keys()].filter(v => v !== newcomer && inRoster(v));
    const members = new Map(others.map(v => [v, held.get(v)!]));
    const fromNewcomer = await giftsFromNewcomer(link, others, limits.introductionTimeoutMs);
    const pairs = await introducePeers(
      newcomer,
      link,
      members,
      fromNewcomer,
      limits.introductionTimeoutMs,
    );
    await Promise.all(
      pairs.map(p =>
        tell(members.get(p.other)!.link, { linkTo: [{ vatId: newcomer, gift: p.toNewcomer }] }),
      ),
    );
    return pairs.map(p => ({ vatId: p.other, gift: p.toOther }));
  };

  return harden({
    hold,
    /** A join through this replica: decided by the majority, then introduced. */
    decision,
    async join(
      vatId: VatId,
      link: ERef<MemberLink>,
      signed: Parameters<ReplicaCore<State>['submit']>[0],
    ) {
      const { id } = core.submitToAll(signed);
      hold(vatId, link, id);
      try {
        const certified = await decision(id);
        const services = opts.introduce
          ? await withTimeout(
              opts.introduce(vatId),
              limits.introductionTimeoutMs,
              `introducing services to ${short(vatId)}`,
            )
          : {};
        const peers = await introduce(vatId, link);
        return harden({ certified, peers, services });
      } catch (error) {
        if (!inRoster(vatId)) drop(vatId);
        throw error;
      }
    },
    /**
     * Tells every member held here of the new state, whole from the first
     * N_majority replicas of the set and as its hash from the others (the
     * paper's message sizes; a member asks a confirming replica for the whole
     * state when none came); lets go of members the roster no longer names.
     */
    certified(snapshot: QuorumSnapshot<State>) {
      const rank = replicaIds(snapshot).indexOf(vat.id);
      const whole = rank < majorityOf(snapshot.replicas.length);
      const hash = snapshotHash(core.certified().snapshot);
      for (const [vatId, h] of held) {
        const named = snapshot.members.some(m => m.vatId === vatId);
        // A member being removed is told whole: the confirmation would not reach a removed member's follow-up.
        if (whole || !named) void tell(h.link);
        else
          void withTimeout(
            Promise.resolve(E(h.link).confirm(snapshot.cseq, hash)),
            limits.introductionTimeoutMs,
            'confirming a state to a member',
          ).catch(() => {});
        if (!joining.has(vatId) && !named) drop(vatId);
      }
    },
    refused(author: VatId | undefined, id: string, reason: string) {
      const h = author && held.get(author);
      if (h) void tell(h.link, { decided: { request: id, refused: reason } });
    },
    close() {
      for (const vatId of [...held.keys()]) drop(vatId);
    },
  });
};
harden(makeMemberDesk);
