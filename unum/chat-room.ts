// unum/chat-room.ts: the chat room, the first unum. Its critical state is the
// roster and the ruleset (host-signed); its replicated messages are chat lines
// and whispers, fanned peer to peer. The host sends no chat at all. What rides
// on a room (moderation) plugs in through room-extension.ts.
import type { VatId } from '../captp-transport/index.js';
import {
  makeEmitter,
  PUBLIC,
  type Delivery,
  type Dropped,
  type KeptEnvelope,
  type Listener,
  type PresenceEvents,
  type PresenceLimits,
  type PresenceStats,
  type SendResult,
} from '../presence/index.js';
import type { Vat } from '../vat/index.js';
import { defineUnum } from './define-unum.js';
import type { Admin } from './facets.js';
import { hostUnum, type HostOptions } from './host.js';
import type { UnumLimits } from './limits.js';
import { joinUnum } from './replica.js';
import type {
  ChatMessage,
  HostExtension,
  MemberContext,
  MemberExtension,
  MemberHooks,
  RosterUpdate,
} from './room-extension.js';
import type { HeldSignature, HeldSnapshot, Member } from './snapshot.js';
import type { QuorumTimers } from './quorum/timers.js';
import type { Evidence } from './quorum/evidence.js';
import {
  hostReplicatedUnum,
  serveUnumReplica,
  type ServeReplicaOptions,
  type ServedReplica,
} from './replicated-host.js';

export interface ChatState {
  ruleset: Record<string, unknown>;
}

export const chatRoom = defineUnum<ChatState>({
  type: 'chat-room',
  initialState: { ruleset: {} },
  kinds: ['chat', 'whisper'],
});

export interface RoomMemberEvents extends Record<string, unknown> {
  message: ChatMessage;
  /** A listener or the room's extension failed. */
  error: unknown;
  roster: RosterUpdate;
  dropped: Dropped;
  equivocation: PresenceEvents['equivocation'];
  gap: PresenceEvents['gap'];
  removed: { reason: string };
  host: { reachable: boolean };
}

/** A member of a room; `Extra` are the events its extension adds. */
export interface RoomMember<Extra extends Record<string, unknown> = Record<never, never>> {
  readonly self: VatId;
  readonly room: string;
  /** Signs the line and hands it to every member's presence directly; resolves once fanned out. */
  say(text: string): Promise<SendResult>;
  /** A line only `to` receives. */
  whisper(to: VatId, text: string): Promise<SendResult>;
  on<K extends keyof (RoomMemberEvents & Extra)>(
    name: K,
    listener: Listener<(RoomMemberEvents & Extra)[K]>,
  ): () => void;
  /** The verified envelopes kept as evidence. */
  window(): KeptEnvelope[];
  /** The members as the host last signed them. */
  roster(): Member[];
  /** Whether the host is reachable; chat goes on either way. */
  hostReachable(): boolean;
  /**
   * Members who may not hear this member now: those its presence has no live
   * link to (their vat went away, or a link broke and was not made again).
   */
  unreachable(): VatId[];
  /** This member's presence: window size, drops by reason, per-peer queues. */
  stats(): PresenceStats;
  /** Resolves once every linked peer has acknowledged all it was sent so far, or its link broke (stats then count it as sent, or undelivered). */
  flush(): Promise<void>;
  /** Leaves the room: the host removes this member from the roster and the presence closes. */
  leave(): Promise<void>;
  /** Closes this presence without leaving, as if the vat went away. */
  close(): void;
}

export interface Room {
  readonly room: string;
  /** Sturdy ref to the room's join facet (with replicas: this replica's door). */
  readonly invite: string;
  /** The room owner's admin facet (far). */
  readonly admin: Admin;
  /** With replicas: the sturdy ref that admits replica vats (`serveReplica`) until the set is complete. */
  readonly replicaInvite?: string;
  /** Resolves once every replica is in (at once for a room with one host). */
  readonly ready: Promise<void>;
  /** With replicas, the owner's: the next vat to use the replica invite takes `old`'s place. */
  replaceReplica?(old: VatId): void;
  /** With replicas: calls `listener` with each piece of evidence this replica holds against another (docs/protocol.md §4.8.6). */
  onEvidence?(listener: (evidence: Evidence) => void): () => void;
  /** Calls `listener` with each newly signed state (with replicas: each one a majority certified); returns the unsubscribe function. */
  onSnapshot(listener: (snapshot: HeldSnapshot<ChatState>) => void): () => void;
  /** The members as this host signs them now. */
  roster(): Member[];
  /** The whole signed state: roster, epoch, bans, ruleset (and with replicas, the replica set). */
  snapshot(): HeldSnapshot<ChatState>;
  /** The roster as signed by this host, or with replicas as a majority certified it. */
  signedRoster(): HeldSignature;
  /** Stops hosting (the invite stops working until the room is hosted again). */
  close(): void;
}

export interface CreateRoomOptions
  extends Omit<HostOptions, 'limits' | 'introduce' | 'checkRuleset'> {
  limits?: Partial<UnumLimits>;
  /** What rides on the room (moderation): see room-extension.ts. With replicas, its `introduce` and `checkRuleset` run at this replica. */
  extension?: HostExtension;
  /**
   * How many vats hold the room's critical state and decide it by majority
   * rule: 1 (the default: this vat alone hosts it), 3 or 5 (this vat is the
   * first replica; the others join with `serveReplica(vat, room.replicaInvite)`).
   */
  replicas?: number;
  /** With replicas: the replicas' timers (docs/protocol.md §4.8.7). */
  timers?: Partial<QuorumTimers>;
}

/** A replica's room, as the chat room's owner and its replicas see it. */
const replicaRoom = (served: ServedReplica<ChatState>): Omit<Room, 'admin'> & { admin?: Admin } =>
  harden({
    room: served.room,
    invite: served.invite,
    ...(served.admin ? { admin: served.admin } : {}),
    ...(served.replicaInvite ? { replicaInvite: served.replicaInvite } : {}),
    ready: served.ready,
    ...(served.replaceReplica ? { replaceReplica: served.replaceReplica } : {}),
    onEvidence: listener => served.on('evidence', listener),
    onSnapshot: listener => served.on('snapshot', listener),
    roster: () => served.snapshot().members,
    snapshot: () => served.snapshot(),
    signedRoster: () => served.certified(),
    close: () => served.close(),
  });

/** Hosts a chat room in `vat`; hosting the same name again after a restart restores it. */
export const createRoom = async (vat: Vat, opts: CreateRoomOptions): Promise<Room> => {
  const { extension = {}, replicas = 1, timers, ...hostOpts } = opts;
  const { signed, ...hostHooks } = extension; // introduce and checkRuleset are the host's own options
  if (replicas !== 1) {
    if (signed)
      throw Error(
        '[bad-option] a room with replicas has no signed hook: listen to its replicas instead',
      );
    const served = await hostReplicatedUnum(vat, chatRoom, {
      ...hostOpts,
      ...hostHooks,
      replicas,
      ...(timers ? { timers } : {}),
    });
    return replicaRoom(served) as Room;
  }
  const hosted = await hostUnum(vat, chatRoom, { ...hostOpts, ...hostHooks });
  if (signed) hosted.on('snapshot', snapshot => signed(snapshot, hosted.signed()));
  return harden({
    room: hosted.room,
    invite: hosted.invite,
    admin: hosted.admin,
    ready: Promise.resolve(),
    onSnapshot: listener => hosted.on('snapshot', listener),
    roster: () => hosted.snapshot().members,
    snapshot: () => hosted.snapshot(),
    signedRoster: () => hosted.signed(),
    close: () => hosted.close(),
  });
};
harden(createRoom);

/**
 * Serves a replica of the chat room behind `replicaInvite` in `vat` (it enters
 * the replica set and catches up); on a vat that already serves that room,
 * resumes it from its store, so start-up code may call it every time.
 */
export const serveReplica = async (
  vat: Vat,
  replicaInvite: string,
  opts: ServeReplicaOptions = {},
): Promise<Omit<Room, 'admin'> & { admin?: Admin }> =>
  replicaRoom(await serveUnumReplica(vat, chatRoom, replicaInvite, opts));
harden(serveReplica);

export interface JoinRoomOptions {
  name: string;
  /** Join as a visible monitor: everyone's roster shows the role. */
  monitor?: boolean;
  limits?: Partial<UnumLimits>;
  presenceLimits?: Partial<PresenceLimits>;
}

/** The line a delivery carries, if it is chat, with the sender's roster name. */
const toMessage = (
  { envelope, history }: Delivery,
  names: ReadonlyMap<VatId, string>,
): ChatMessage | undefined => {
  const { header, wire, id, stream } = envelope;
  if (header.kind !== 'chat' && header.kind !== 'whisper') return undefined;
  return harden({
    id,
    from: header.author,
    name: names.get(header.author) ?? header.author.slice(0, 8),
    text: wire.content ?? '',
    ...(stream === PUBLIC ? {} : { to: stream }),
    ts: header.ts,
    seq: header.seq,
    history,
  });
};

/**
 * Joins the room behind `invite` with a presence in `vat`. Recent history
 * arrives from peers as `message` events with `history: true` right after.
 * An `extension` attaches before the join resolves; lines that arrive before
 * then wait for it (and for the caller's listeners), so nothing is missed.
 */
export const joinRoom = async <
  Api extends object = Record<never, never>,
  Events extends Record<string, unknown> = Record<never, never>,
>(
  vat: Vat,
  invite: string,
  opts: JoinRoomOptions & { extension?: MemberExtension<Api, Events> },
): Promise<RoomMember<Events> & Api> => {
  const { extension, ...joinOpts } = opts;
  const replica = await joinUnum(vat, chatRoom, invite, joinOpts);
  const { presence } = replica;
  const events = makeEmitter<RoomMemberEvents & Events>();
  const emit = events.emit as (name: string, event: unknown) => void;
  const names = new Map<VatId, string>();
  const noteNames = (members: Member[]) => {
    for (const m of members) names.set(m.vatId, m.name);
  };
  noteNames(replica.members());

  let hooks: MemberHooks | undefined;
  /** Lines wait until the caller has had its turn to listen (see the end). */
  let waiting: ChatMessage[] | undefined = [];
  const show = (message: ChatMessage) => {
    const shown = hooks?.message ? hooks.message(message) : message;
    if (shown) emit('message', shown);
  };
  const receive = (delivery: Delivery) => {
    const message = toMessage(delivery, names);
    if (!message) return;
    if (waiting) waiting.push(message);
    else show(message);
  };
  // What the window already held (kept from before a restart) is shown again as history.
  const kept: Array<ChatMessage | undefined> = presence
    .window()
    .map(({ envelope }) => toMessage(harden({ envelope, history: true }), names));
  presence.on('message', receive);
  for (const name of ['dropped', 'equivocation', 'gap'] as const) {
    presence.on(name, event => emit(name, event));
  }
  replica.on('snapshot', snapshot => {
    noteNames(snapshot.members);
    const update = harden({
      epoch: snapshot.epoch,
      members: snapshot.members,
      ...(snapshot.notice ? { notice: snapshot.notice } : {}),
    });
    hooks?.roster?.(update);
    emit('roster', update);
  });
  replica.on('removed', event => {
    hooks?.removed?.(event.reason);
    emit('removed', event);
  });
  replica.on('host', event => emit('host', event));

  let api = {} as Api;
  if (extension) {
    const attached = await extension.attach(
      harden({
        vat,
        room: replica.room,
        services: () => replica.services(),
        refreshServices: () => replica.refreshServices(),
        window: () => presence.window(),
        snapshot: () => replica.snapshot(),
        signedSnapshot: () => replica.signedSnapshot(),
        emit: events.emit as MemberContext<Events>['emit'],
      }),
    );
    hooks = attached.hooks;
    api = attached.api;
  }
  // Once the caller has had its turn to listen (soon after joinRoom
  // resolves): what the window kept, the lines that arrived meanwhile, then
  // recent history from peers, as `message` events.
  setImmediate(() => {
    const held = [...kept.splice(0), ...(waiting ?? [])]; // emptied: not held for the member's lifetime
    waiting = undefined;
    for (const message of held) if (message) show(message);
    void presence.fetchHistory();
  });

  const member: RoomMember<Events> = {
    self: vat.id,
    room: replica.room,
    say: async (text: string) => presence.send('all', 'chat', text),
    async whisper(to: VatId, text: string) {
      if (!replica.members().some(m => m.vatId === to)) {
        throw Error(`[not-a-member] vat ${to.slice(0, 8)} is not in the room`);
      }
      return presence.send({ to }, 'whisper', text);
    },
    on: (name, listener) => events.on(name, listener),
    window: () => presence.window(),
    roster: () => replica.members(),
    hostReachable: () => replica.hostReachable(),
    unreachable() {
      const linked = new Set(presence.linked());
      return harden(
        replica
          .members()
          .filter(m => m.vatId !== vat.id && !linked.has(m.vatId))
          .map(m => m.vatId),
      );
    },
    stats: () => presence.stats(),
    flush: () => presence.flush(),
    leave: () => replica.leave(),
    close: () => replica.close(),
  };
  return harden({ ...api, ...member });
};
harden(joinRoom);
