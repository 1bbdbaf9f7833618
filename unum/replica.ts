// unum/replica.ts: a participant's presence of an unum. Joining redeems the
// invite, hands the host this member's link (for signed roster updates and
// gift requests), and links directly to every other member's presence with
// the gifts the host passed on. From then on replicated messages go peer to
// peer; only critical requests go to the host.
//
// When the host is unreachable the member keeps the last signed roster (the
// epoch freezes) and chat goes on; it re-attaches with backoff, and critical
// requests wait for that (up to hostWaitMs). A broken link to a peer is
// re-made from the peer's gift while the peer is in the roster.
import { E, type ERef } from '@endo/far';
import { matches } from '@endo/patterns';
import { short, type VatId } from '../captp-transport/index.js';
import {
  makeEmitter,
  makePresence,
  type Listener,
  type Presence,
  type PresenceLimits,
} from '../presence/index.js';
import { parseRef, type Vat } from '../vat/index.js';
import type { UnumDefinition } from './define-unum.js';
import { type Change, type MemberFacet, RoomInfoShape, type Join } from './facets.js';
import { ownRoom } from './admission.js';
import { normaliseName } from './member-name.js';
import { DEFAULT_UNUM_LIMITS, type UnumLimits } from './limits.js';
import { makeMemberLinkKit } from './member-link.js';
import { makePeerLinks } from './peer-links.js';
import { QuorumRoomInfoShape } from './quorum/door-facets.js';
import { joinReplicatedUnum } from './quorum-member.js';
import { pause } from './serial.js';
import { makeRosterView } from './roster-view.js';
import {
  openSnapshot,
  type HeldSignature,
  type HeldSnapshot,
  type Member,
  type SignedSnapshot,
  type Snapshot,
} from './snapshot.js';

export interface ReplicaOptions {
  /** The name other members see. */
  name: string;
  /** Join as a visible monitor (the roster says so to everyone). */
  monitor?: boolean;
  limits?: Partial<UnumLimits>;
  presenceLimits?: Partial<PresenceLimits>;
}

export interface ReplicaEvents<State> extends Record<string, unknown> {
  /** A newer signed snapshot (roster and critical state) was adopted. */
  snapshot: HeldSnapshot<State>;
  /** This member was removed (left, kicked, banned, or gone too long). */
  removed: { reason: string };
  /** The host became unreachable, or reachable again. */
  host: { reachable: boolean };
}

export interface Replica<State> {
  readonly self: VatId;
  readonly room: string;
  readonly host: VatId;
  readonly presence: Presence;
  /** The newest signed state this member holds (the host's, or a majority of the replicas'). */
  snapshot(): HeldSnapshot<State>;
  /** The newest roster as it was signed: evidence of membership a report carries. */
  signedSnapshot(): HeldSignature;
  /** The roster of that state. */
  members(): Member[];
  /**
   * Sends a critical request (a signed envelope of an operation's kind) to the
   * host, waiting while the host is away, and resolves with the state the host
   * applied it in; rejects with the operation's refusal (`[request-refused] …`, or its
   * own `[code]`), or `[no-answer]` if the host does not decide in `hostWaitMs`.
   */
  request(kind: string, content: string): Promise<HeldSnapshot<State>>;
  /** Gift URIs of the services the host introduced to this member (e.g. `report`). */
  services(): Record<string, string>;
  /**
   * Asks the host to introduce this member's services again (a re-attach):
   * for when one of them restarted and the gift it made is gone.
   */
  refreshServices(): Promise<void>;
  /** Whether the host answers now; replicated state goes on either way. */
  hostReachable(): boolean;
  on<K extends keyof ReplicaEvents<State>>(
    name: K,
    listener: Listener<ReplicaEvents<State>[K]>,
  ): () => void;
  /** Leaves the room (the host removes this member) and closes the presence. */
  leave(): Promise<void>;
  /** Closes the presence without leaving (as if the vat went away). */
  close(): void;
}

export const joinUnum = async <State>(
  vat: Vat,
  definition: UnumDefinition<State>,
  invite: string,
  opts: ReplicaOptions,
): Promise<Replica<State>> => {
  const limits: UnumLimits = { ...DEFAULT_UNUM_LIMITS, ...opts.limits };
  const host = parseRef(invite, 's').vatId;
  if (host === vat.id) throw ownRoom(vat.id, 'the room behind this invite');
  const name = normaliseName(opts.name); // a clear refusal before any call
  let join = await vat.fetch<Join>(invite);
  const info: unknown = await E(join).describe();
  // A room whose replicas decide (docs/protocol.md §4.9): the invite is one replica's door.
  if (matches(info, QuorumRoomInfoShape)) {
    if (info.type !== definition.type)
      throw Error(`[bad-unum] the invite is to a ${info.type}, not a ${definition.type}`);
    return joinReplicatedUnum(vat, definition, invite, opts, join as never, info as never);
  }
  if (!matches(info, RoomInfoShape) || (info as { host: VatId }).host !== host)
    throw Error(
      `[bad-reply] the host ${short(host)} described its room in a form Stoa does not know; it may run another version`,
    );
  if (info.type !== definition.type) {
    throw Error(`[bad-unum] the invite is to a ${info.type}, not a ${definition.type}`);
  }
  let current: Snapshot<State> | undefined;
  let currentSigned: SignedSnapshot | undefined;
  const events = makeEmitter<ReplicaEvents<State>>();
  const presence = makePresence({
    vat,
    roster: makeRosterView(info.room, () => current),
    host,
    limits: opts.presenceLimits,
    ...(definition.aura ? { aura: definition.aura } : {}),
  });
  let member: ERef<MemberFacet> | undefined;
  let services: Record<string, string> = {};
  let reachable = true;
  let gone: string | undefined;
  /** Critical requests sent and not yet decided, by envelope id. */
  const awaiting = new Map<string, (decided: { refused?: string }) => void>();
  const inRoster = (vatId: VatId) => current?.members.some(m => m.vatId === vatId) ?? false;

  /** Each attach watches the host's session anew; the last watch is dropped first. */
  let stopWatchingHost = () => {};

  const markRemoved = (reason: string) => {
    if (gone !== undefined) return;
    gone = reason;
    for (const settle of awaiting.values()) settle({ refused: `[removed] ${reason}` });
    release();
    presence.close();
    events.emit('removed', harden({ reason }));
  };

  /** Keeps `snapshot` if it is newer than the one held (docs/protocol.md §4.4). */
  const adopt = (snapshot: Snapshot<State>, signed: SignedSnapshot) => {
    if (current && snapshot.cseq <= current.cseq) return;
    current = snapshot;
    currentSigned = harden({ snapshot: signed.snapshot, sig: signed.sig });
    peers.prune();
    presence.rosterChanged();
    events.emit('snapshot', snapshot);
    if (!inRoster(vat.id)) markRemoved('no longer in the roster');
  };

  const peers = makePeerLinks({
    vat,
    presence,
    limits,
    live: () => gone === undefined,
    inRoster,
    host,
  });
  const linkPeer = peers.link;

  const linkKit = makeMemberLinkKit(vat.id, info.room, {
    update(signed, change) {
      const { linkTo = [], removed, decided } = (change ?? {}) as Change;
      // A refused update changes nothing, its removal and links included.
      const snapshot = openSnapshot<State>(signed as SignedSnapshot, host, info.room);
      // The host sends its updates in cseq order on one session, so a lower
      // cseq here is a rollback (docs/protocol.md §4.4); an equal one is a resend.
      if (current && snapshot.cseq < current.cseq)
        throw Error(
          `[stale-snapshot] roster from host ${short(host)} for ${info.room} has cseq ${snapshot.cseq}, below the cseq ${current.cseq} this member holds`,
        );
      if (removed !== undefined) markRemoved(removed); // before the roster says only "gone"
      adopt(snapshot, signed as SignedSnapshot);
      for (const peer of linkTo) void linkPeer(peer);
      if (decided) awaiting.get(decided.request)?.(decided);
    },
    confirm() {
      throw Error(
        `[bad-unum] the host of ${info.room} sends whole states; a confirmation is for rooms with replicas`,
      );
    },
    inboxGiftFor(peer) {
      return presence.inboxGiftFor(peer, limits.inboxGiftTtlMs);
    },
  });
  const { link } = linkKit;
  /** Ends this membership's hold on the host session: its watch and the link the host keeps. */
  const release = () => {
    stopWatchingHost();
    linkKit.revoke();
  };

  const attach = async (again = false) => {
    const result = await E(join).join(
      harden({
        name,
        address: vat.address,
        link,
        ...(opts.monitor ? { monitor: true } : {}),
        ...(again ? { reattach: true } : {}),
      }),
    );
    member = result.member as ERef<MemberFacet>;
    services = { ...result.services };
    // Unlike an update, the answer may be older than an update that overtook it: kept only if newer.
    adopt(openSnapshot<State>(result.snapshot, host, info.room), result.snapshot);
    await Promise.all([...result.peers, { vatId: host, gift: result.hostInbox }].map(linkPeer));
    stopWatchingHost();
    stopWatchingHost = vat.onPeerBroken(host, () => void reattach());
  };

  let reattaching: Promise<void> | undefined;
  let refreshing: Promise<void> | undefined;
  const reattach = () => {
    if (gone !== undefined) return Promise.resolve();
    reattaching ??= (async () => {
      reachable = false;
      events.emit('host', harden({ reachable: false }));
      for (
        let wait = limits.minBackoffMs;
        gone === undefined;
        wait = Math.min(wait * 2, limits.maxBackoffMs)
      ) {
        await pause(wait);
        try {
          join = await vat.fetch<Join>(invite);
          await attach(true);
          reachable = true;
          events.emit('host', harden({ reachable: true }));
          return;
        } catch (error) {
          if (/^\[(banned|full|closed|name-taken|removed)\]/.test((error as Error).message)) {
            markRemoved((error as Error).message);
            return;
          }
        }
      }
    })().finally(() => {
      reattaching = undefined;
    });
    return reattaching;
  };

  // A busy host (many joins in progress) is asked again, with backoff, for up to hostWaitMs.
  const deadline = Date.now() + limits.hostWaitMs;
  for (let wait = limits.minBackoffMs; ; wait = Math.min(wait * 2, limits.maxBackoffMs)) {
    try {
      await attach();
      break;
    } catch (error) {
      if (!/^\[busy\]/.test((error as Error).message) || Date.now() + wait > deadline) {
        presence.close();
        throw error;
      }
      await pause(wait);
    }
  }

  const waitForHost = async () => {
    if (reachable) return;
    const back = new Promise<void>(resolve => {
      const off = events.on('host', ({ reachable: now }) => {
        if (now) {
          off();
          resolve();
        }
      });
    });
    const timeout = pause(limits.hostWaitMs).then(() => {
      throw Error(
        `[host-unreachable] host ${short(host)} of ${JSON.stringify(info.name)} did not come back within ${limits.hostWaitMs} ms`,
      );
    });
    await Promise.race([back, timeout]);
  };

  return harden({
    self: vat.id,
    room: info.room,
    host,
    presence,
    snapshot: () => current!,
    signedSnapshot: () => currentSigned!,
    members: () => current?.members ?? [],
    async request(kind: string, content: string) {
      if (gone !== undefined)
        throw Error(
          `[removed] vat ${short(vat.id)} is no longer in ${JSON.stringify(info.name)}: ${gone}`,
        );
      if (!definition.operations?.[kind])
        throw Error(
          `[bad-unum] ${definition.type} has no critical operation ${JSON.stringify(kind)}`,
        );
      await waitForHost();
      const { id } = presence.send('host', kind, content);
      const decision = new Promise<{ refused?: string }>((resolve, reject) => {
        const timer = setTimeout(() => {
          awaiting.delete(id);
          reject(
            Error(
              `[no-answer] host ${short(host)} of ${JSON.stringify(info.name)} did not decide ${kind} within ${limits.hostWaitMs} ms; its next state shows whether it applied it`,
            ),
          );
        }, limits.hostWaitMs);
        timer.unref();
        awaiting.set(id, decided => {
          clearTimeout(timer);
          awaiting.delete(id);
          resolve(decided);
        });
      });
      await presence.flush(host);
      const { refused } = await decision;
      if (refused !== undefined)
        throw Error(/^\[[a-z-]+\]/.test(refused) ? refused : `[request-refused] ${refused}`);
      return current!;
    },
    hostReachable: () => reachable,
    services: () => harden({ ...services }),
    async refreshServices() {
      if (gone !== undefined) return;
      await waitForHost();
      refreshing ??= attach(true).finally(() => {
        refreshing = undefined;
      });
      await refreshing;
    },
    on: (name, listener) => events.on(name, listener),
    async leave() {
      if (gone !== undefined) return;
      await waitForHost();
      await E(member!).leave();
      markRemoved('it left');
    },
    close() {
      gone ??= 'closed';
      release();
      presence.close();
    },
  });
};
harden(joinUnum);
