// unum/quorum-member.ts: a member's presence of a room whose critical state
// k replicas hold (docs/protocol.md §4.9). It attaches to every replica (a
// link each, so it knows which replica tells it what), sends its signed
// requests to all of them, and accepts a state only over the signatures of a
// majority of the replica set in force, a refusal only when a majority gave
// it. Chat goes peer to peer as in any room, whatever the replicas do.
import { E, type ERef } from '@endo/far';
import { short, type VatId } from '../captp-transport/index.js';
import { makeEmitter, makePresence } from '../presence/index.js';
import { parseRef, type Vat } from '../vat/index.js';
import type { UnumDefinition } from './define-unum.js';
import type { Change } from './facets.js';
import { DEFAULT_UNUM_LIMITS, type UnumLimits } from './limits.js';
import { makeMemberLinkKit } from './member-link.js';
import { normaliseName } from './member-name.js';
import { makePeerLinks } from './peer-links.js';
import {
  openCertified,
  parseQuorumSnapshot,
  replicaIds,
  type CertifiedSnapshot,
  type QuorumSnapshot,
} from './quorum/certified.js';
import type { ReplicaDoor } from './quorum/door-facets.js';
import { majorityOf } from './quorum/order.js';
import { signRequest } from './quorum/request.js';
import type { Replica, ReplicaEvents, ReplicaOptions } from './replica.js';
import { makeRosterView } from './roster-view.js';
import { pause, withTimeout } from './serial.js';

interface Attachment {
  door?: ERef<ReplicaDoor>;
  kit: ReturnType<typeof makeMemberLinkKit>;
  attached: boolean;
  stopWatching: () => void;
}

/** How long a confirmed state may take to come whole before the confirming replica is asked for it. */
const CONFIRM_WAIT_MS = 500;

/** Errors that say the replica could not be reached (another may be). */
const UNREACHED =
  /^\[(unreachable|connection-lost|timeout|disconnected|heartbeat-lost|closed|not-ready)\]/;

export const joinReplicatedUnum = async <State>(
  vat: Vat,
  definition: UnumDefinition<State>,
  invite: string,
  opts: ReplicaOptions,
  entry: ERef<ReplicaDoor>,
  info: { room: string; certified: CertifiedSnapshot },
): Promise<Replica<State>> => {
  const limits: UnumLimits = { ...DEFAULT_UNUM_LIMITS, ...opts.limits };
  const { room } = info;
  const entryId = parseRef(invite, 's').vatId;
  const name = normaliseName(opts.name);
  // The first set is the one the entry's state names, which must include the entry itself.
  const first = parseQuorumSnapshot<State>(info.certified.snapshot, room);
  if (!replicaIds(first).includes(entryId))
    throw Error(
      `[bad-reply] replica ${short(entryId)} described a room whose replica set does not name it`,
    );
  let current: QuorumSnapshot<State> = openCertified<State>(
    info.certified,
    replicaIds(first),
    room,
  );
  let certified = info.certified;
  const events = makeEmitter<ReplicaEvents<State>>();
  const presence = makePresence({
    vat,
    roster: makeRosterView(room, () => current),
    limits: opts.presenceLimits,
    ...(definition.aura ? { aura: definition.aura } : {}),
  });
  let gone: string | undefined;
  let joined = false;
  let services: Record<string, string> = {};
  const inRoster = (vatId: VatId) => current.members.some(m => m.vatId === vatId);
  const peers = makePeerLinks({ vat, presence, limits, live: () => gone === undefined, inRoster });
  /** Critical requests sent and not yet decided: the refusals each replica gave. */
  const awaiting = new Map<
    string,
    { refusals: Map<VatId, string>; settle: (outcome: { refused?: string }) => void }
  >();
  const attachments = new Map<VatId, Attachment>();
  let reachable = true;

  const markRemoved = (reason: string) => {
    if (gone !== undefined) return;
    gone = reason;
    for (const { settle } of awaiting.values()) settle({ refused: `[removed] ${reason}` });
    release();
    presence.close();
    events.emit('removed', harden({ reason }));
  };

  /** Adopts a certificate newer than the state held, checked against the set in force. */
  const adopt = (offered: CertifiedSnapshot) => {
    const snapshot = openCertified<State>(offered, replicaIds(current), room);
    if (snapshot.cseq <= current.cseq) return;
    current = snapshot;
    certified = harden({ snapshot: offered.snapshot, sigs: [...offered.sigs] });
    peers.prune();
    presence.rosterChanged();
    events.emit('snapshot', snapshot);
    if (snapshot.request) awaiting.get(snapshot.request)?.settle({});
    for (const vatId of replicaIds(snapshot)) if (!attachments.has(vatId)) void attach(vatId);
    if (joined && !inRoster(vat.id)) {
      const notice = snapshot.notice?.vatId === vat.id ? snapshot.notice : undefined;
      markRemoved(
        notice
          ? `${notice.what === 'ban' ? 'banned' : 'kicked'}: ${notice.reason}`
          : 'no longer in the roster',
      );
    }
  };

  /** A refusal counts once a majority of the replicas in force gave it. */
  const refusedBy = (replica: VatId, request: string, reason: string) => {
    const waiting = awaiting.get(request);
    if (!waiting || !replicaIds(current).includes(replica)) return;
    waiting.refusals.set(replica, reason);
    if (waiting.refusals.size >= majorityOf(current.replicas.length))
      waiting.settle({ refused: reason });
  };

  const linkFor = (replica: VatId) =>
    makeMemberLinkKit(vat.id, room, {
      update(offered, change) {
        if (!('sigs' in (offered as object)))
          throw Error(
            `[bad-snapshot] replica ${short(replica)} sent a state without a majority's signatures`,
          );
        adopt(offered as CertifiedSnapshot);
        const { linkTo = [], decided } = (change ?? {}) as Change;
        for (const peer of linkTo) if (inRoster(peer.vatId)) void peers.link(peer);
        if (decided?.refused !== undefined) refusedBy(replica, decided.request, decided.refused);
      },
      inboxGiftFor: peer => presence.inboxGiftFor(peer, limits.inboxGiftTtlMs),
      confirm(cseq) {
        if (cseq <= current.cseq) return;
        // The whole state comes from the first replicas of the set; if none did by then, this one has it.
        void pause(CONFIRM_WAIT_MS).then(async () => {
          const door = attachments.get(replica)?.door;
          if (cseq <= current.cseq || !door || gone !== undefined) return;
          try {
            adopt((await E(door).describe()).certified);
          } catch {} // its next confirmation asks again
        });
      },
    });

  const attachment = (replica: VatId): Attachment => {
    let a = attachments.get(replica);
    if (!a) {
      a = { kit: linkFor(replica), attached: false, stopWatching: () => {} };
      attachments.set(replica, a);
    }
    return a;
  };
  const countReachable = () => {
    const now =
      [...attachments.values()].filter(a => a.attached).length >=
      majorityOf(current.replicas.length);
    if (now !== reachable) {
      reachable = now;
      events.emit('host', harden({ reachable: now }));
    }
  };

  /** Attaches to one replica (with the join request while joining), again with backoff after a break. */
  const attach = async (
    replica: VatId,
    request?: Parameters<ReplicaDoor['attach']>[0]['request'],
  ) => {
    const a = attachment(replica);
    for (
      let wait = limits.minBackoffMs;
      gone === undefined;
      wait = Math.min(wait * 2, limits.maxBackoffMs)
    ) {
      const ref = current.replicas.find(r => r.vatId === replica)?.ref;
      if (!ref) return; // no longer a replica
      try {
        a.door = replica === entryId && !a.door ? entry : await vat.fetch<ReplicaDoor>(ref);
        const answer = await E(a.door).attach(
          harden({ link: a.kit.link, ...(request ? { request } : {}) }),
        );
        a.attached = true;
        a.stopWatching();
        a.stopWatching = vat.onPeerBroken(replica, () => {
          a.attached = false;
          a.door = undefined;
          countReachable();
          void attach(replica);
        });
        countReachable();
        adopt(answer.certified);
        return;
      } catch (error) {
        if (/^\[(not-a-member|removed)\]/.test((error as Error).message) && joined) return;
        a.door = undefined;
        await pause(wait);
      }
    }
  };

  const release = () => {
    for (const a of attachments.values()) {
      a.stopWatching();
      a.kit.revoke();
    }
  };

  const { signed: joinRequest } = signRequest(
    {
      room,
      kind: 'join',
      author: vat.id,
      content: JSON.stringify({
        name,
        address: vat.address,
        ...(opts.monitor ? { monitor: true } : {}),
      }),
    },
    m => vat.sign(m),
  );
  // Every replica gets the request from the member itself; the one it joins through answers and introduces.
  const order = [entryId, ...replicaIds(current).filter(r => r !== entryId)];
  for (const replica of order.slice(1)) void attach(replica, joinRequest);
  let lastError: unknown;
  /** The replica that introduced this member's services: the one it joined through, or the owner's. */
  let joinedThrough = entryId;
  for (const through of order) {
    try {
      const a = attachment(through);
      a.door =
        through === entryId
          ? entry
          : await vat.fetch<ReplicaDoor>(current.replicas.find(r => r.vatId === through)!.ref);
      const result = await Promise.race([
        E(a.door).join(harden({ request: joinRequest, link: a.kit.link })),
        pause(limits.hostWaitMs).then(() => {
          throw Error(
            `[no-quorum] no majority of the replicas of ${JSON.stringify(current.name)} decided this join within ${limits.hostWaitMs} ms; try again when more of them are up`,
          );
        }),
      ]);
      joined = true;
      adopt(result.certified);
      if (!inRoster(vat.id))
        throw Error(
          `[bad-reply] replica ${short(through)} answered the join with a state that does not name this member`,
        );
      services = { ...result.services };
      joinedThrough = through;
      await Promise.all(result.peers.map(p => peers.link(p)));
      void attach(through);
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
      if (!UNREACHED.test((error as Error).message ?? '')) break;
    }
  }
  if (lastError !== undefined) {
    gone = 'the join failed';
    release();
    presence.close();
    throw lastError;
  }

  /** Asks `replica` to introduce this member's services again (its door's `attach({ services: true })`). */
  const servicesFrom = async (replica: VatId) => {
    const a = attachment(replica);
    const ref = current.replicas.find(r => r.vatId === replica)?.ref;
    if (!a.door && ref) a.door = await vat.fetch<ReplicaDoor>(ref);
    if (!a.door)
      throw Error(
        `[unreachable] replica ${short(replica)} that introduces this member's services is away; try again`,
      );
    const answer = await E(a.door).attach(harden({ link: a.kit.link, services: true }));
    if (answer.services) services = { ...answer.services };
  };
  // The owner's replica holds the room's services (its moderation service): joined through
  // another, the member asks the owner for them, if the owner is up.
  if (Object.keys(services).length === 0 && joinedThrough !== current.host) {
    joinedThrough = current.host;
    await servicesFrom(current.host).catch(() => {});
  }

  const request = async (kind: string, content: string): Promise<QuorumSnapshot<State>> => {
    if (gone !== undefined)
      throw Error(
        `[removed] vat ${short(vat.id)} is no longer in ${JSON.stringify(current.name)}: ${gone}`,
      );
    const { signed, id } = signRequest({ room, kind, author: vat.id, content }, m => vat.sign(m));
    const decided = new Promise<{ refused?: string }>(resolve => {
      awaiting.set(id, { refusals: new Map(), settle: resolve });
    });
    const timeout = pause(limits.hostWaitMs).then(() => ({
      refused: `[no-quorum] no majority of the replicas of ${JSON.stringify(current.name)} decided ${kind} within ${limits.hostWaitMs} ms; chat goes on, try again when more of them are up`,
    }));
    for (const a of attachments.values())
      if (a.door) void Promise.resolve(E(a.door).submit(signed)).catch(() => {});
    const { refused } = await Promise.race([decided, timeout]);
    awaiting.delete(id);
    if (refused !== undefined)
      throw Error(/^\[[a-z-]+\]/.test(refused) ? refused : `[request-refused] ${refused}`);
    return current;
  };

  return harden({
    self: vat.id,
    room,
    get host() {
      return current.host;
    },
    presence,
    snapshot: () => current,
    signedSnapshot: () => certified,
    members: () => current.members,
    async request(kind: string, content: string) {
      if (!definition.operations?.[kind])
        throw Error(
          `[bad-unum] ${definition.type} has no critical operation ${JSON.stringify(kind)}`,
        );
      return request(kind, content);
    },
    services: () => harden({ ...services }),
    async refreshServices() {
      if (gone !== undefined) return;
      await servicesFrom(joinedThrough);
    },
    hostReachable: () => reachable,
    on: (name, listener) => events.on(name, listener),
    async leave() {
      if (gone !== undefined) return;
      await withTimeout(request('leave', '{}'), limits.hostWaitMs + 1_000, 'leaving');
      markRemoved('it left');
    },
    close() {
      gone ??= 'closed';
      release();
      presence.close();
    },
  });
};
harden(joinReplicatedUnum);
