// unum/replicated-host.ts: a room whose critical state k replicas hold and
// decide by majority rule (docs/protocol.md §4.8, §4.9). `hostReplicatedUnum`
// makes the first replica (the owner, whose vat holds the admin facet and the
// replica invite); `serveUnumReplica` makes each other one from the replica
// invite, or resumes the one a vat already serves. Each replica runs a
// replica core (quorum/replica-core.ts) and one door, made per caller, for
// members and the other replicas alike.
import { E } from '@endo/far';
import { short, type VatId } from '../captp-transport/index.js';
import { makeEmitter, type Listener } from '../presence/index.js';
import type { Vat } from '../vat/index.js';
import type { UnumDefinition } from './define-unum.js';
import type { Admin } from './facets.js';
import { DEFAULT_UNUM_LIMITS, type UnumLimits } from './limits.js';
import {
  parseQuorumSnapshot,
  replicaIds,
  signQuorumSnapshot,
  type CertifiedSnapshot,
  type QuorumSnapshot,
} from './quorum/certified.js';
import { systemClock } from './quorum/clock.js';
import type { ReplicaInvite } from './quorum/door-facets.js';
import type { Evidence } from './quorum/evidence.js';
import { makeFarPeers } from './quorum/far-peers.js';
import { makeMemberDesk } from './quorum/member-desk.js';
import { makeReplicaCore, type Decide, type ReplicaPeers } from './quorum/replica-core.js';
import { makeDoorFacet } from './quorum/replica-door.js';
import { makeOwnerFacets } from './quorum/replica-owner.js';
import { openReplicaTables, type ReplicaTables, type ServedRoom } from './quorum/replica-tables.js';
import { makeRoomRules } from './quorum/room-rules.js';
import type { QuorumTimers } from './quorum/timers.js';
import { firstState } from './host-state.js';

export interface ReplicatedOptions {
  /** The room's name; hosting the same name again (after a restart) resumes it. */
  name: string;
  /** How many replicas the room is to have: 1, 3 or 5 (this vat is the first). */
  replicas: number;
  capacity?: number;
  limits?: Partial<UnumLimits>;
  timers?: Partial<QuorumTimers>;
  /** Services introduced to each member that joins through this replica (see HostOptions). */
  introduce?: (member: VatId) => Promise<Record<string, string>>;
  checkRuleset?: (ruleset: Record<string, unknown>) => void;
}

export interface ServeReplicaOptions {
  limits?: Partial<UnumLimits>;
  timers?: Partial<QuorumTimers>;
  introduce?: (member: VatId) => Promise<Record<string, string>>;
  checkRuleset?: (ruleset: Record<string, unknown>) => void;
}

/**
 * For tests only (not in the public API): a replica that misbehaves, to show
 * what the honest majority and the members do about it.
 */
export interface ReplicaFaults<State> {
  /** Replaces the rules: a replica that signs what it likes. */
  rules?: (honest: Decide<State>) => Decide<State>;
  /** Wraps how it reaches the others: a replica that lies in its timeslots or signs twice. */
  peers?: (honest: ReplicaPeers, sign: (message: Uint8Array) => Uint8Array) => ReplicaPeers;
  /** Drops the requests requesters send it (it still orders those others report). */
  dropRequests?: boolean;
}

export interface ReplicaEvents<State> extends Record<string, unknown> {
  /** Each state a majority certified, as this replica adopts it. */
  snapshot: QuorumSnapshot<State>;
  /** A request the rules refused (every honest replica refuses it alike). */
  refused: { author?: VatId; id: string; reason: string };
  /** What a replica signed against itself. */
  evidence: Evidence;
}

export interface ServedReplica<State> {
  readonly room: string;
  /** This replica's door: an invite members may join with (any replica's works). */
  readonly invite: string;
  /** The owner's: a sturdy ref that admits replica vats until the set is complete. */
  readonly replicaInvite?: string;
  /** The owner's admin facet (far): each change is a request the majority decides. */
  readonly admin?: Admin;
  /** Resolves once the replica set has the size the owner asked for. */
  readonly ready: Promise<void>;
  /**
   * The owner's: the next vat to enter with the replica invite takes `old`'s
   * place (a `replace-replica` request the majority decides), e.g. for a
   * replica that halted for good or was caught cheating.
   */
  replaceReplica?(old: VatId): void;
  snapshot(): QuorumSnapshot<State>;
  certified(): CertifiedSnapshot;
  on<K extends keyof ReplicaEvents<State>>(
    name: K,
    listener: Listener<ReplicaEvents<State>[K]>,
  ): () => void;
  close(): void;
}

const SIZES = new Set([1, 3, 5]);
const doorName = (room: string) => `quorum-door:${room}`;

/** Runs one replica of `served` in `vat`: its core, its door and its side of the members. */
const runReplica = <State>(
  vat: Vat,
  tables: ReplicaTables,
  definition: UnumDefinition<State>,
  served: ServedRoom,
  opts: ServeReplicaOptions,
  door: { ref: string; bind(make: (peer: VatId) => object): void },
  faults: ReplicaFaults<State> = {},
): ServedReplica<State> => {
  const limits: UnumLimits = { ...DEFAULT_UNUM_LIMITS, ...opts.limits };
  const events = makeEmitter<ReplicaEvents<State>>();
  // Asked only once the core runs: its certified state names each replica's door.
  const refOf = (vatId: VatId) => core.snapshot().replicas.find(r => r.vatId === vatId)?.ref;
  const farPeers = makeFarPeers(vat, refOf, limits.introductionTimeoutMs);
  const peers = faults.peers ? faults.peers(farPeers, m => vat.sign(m)) : farPeers;
  const rules = makeRoomRules(
    definition,
    opts.checkRuleset ? { checkRuleset: opts.checkRuleset } : {},
  );
  const core = makeReplicaCore<State>({
    self: vat.id,
    sign: m => vat.sign(m),
    peers,
    store: tables.storeFor(served.room),
    decide: faults.rules ? faults.rules(rules) : rules,
    start: { certified: served.certified, slot: served.slot },
    clock: systemClock,
    ...(opts.timers ? { timers: opts.timers } : {}),
  });
  const desk = makeMemberDesk({
    vat,
    core,
    limits,
    ...(opts.introduce ? { introduce: opts.introduce } : {}),
  });
  core.on('certified', ({ snapshot }) => {
    desk.certified(snapshot);
    events.emit('snapshot', snapshot);
  });
  core.on('decided', d => {
    if (d.refused === undefined) return;
    desk.refused(d.author, d.id, d.refused);
    events.emit(
      'refused',
      harden({ ...(d.author ? { author: d.author } : {}), id: d.id, reason: d.refused }),
    );
  });
  core.on('evidence', e => events.emit('evidence', e));

  door.bind(
    makeDoorFacet({
      room: served.room,
      core,
      desk,
      ...(opts.introduce ? { introduce: opts.introduce } : {}),
      dropRequests: faults.dropRequests === true,
    }),
  );

  const complete = () => core.snapshot().replicas.length >= (served.target ?? 0);
  const ready = complete()
    ? Promise.resolve()
    : new Promise<void>(resolve => {
        const off = events.on('snapshot', () => {
          if (complete()) {
            off();
            resolve();
          }
        });
      });
  const owned =
    served.target !== undefined
      ? makeOwnerFacets({
          vat,
          served,
          core,
          desk,
          complete,
          ...(opts.checkRuleset ? { checkRuleset: opts.checkRuleset } : {}),
        })
      : undefined;

  let stopWatchingClose = () => {};
  const close = () => {
    stopWatchingClose();
    core.close();
    desk.close();
    farPeers.close();
  };
  // The replica stops with its vat: its timers write to the vat's store.
  stopWatchingClose = tables.beforeClose(close);

  return harden({
    room: served.room,
    invite: door.ref,
    ...(owned ?? {}),
    ready,
    snapshot: () => core.snapshot(),
    certified: () => core.certified(),
    on: (name, listener) => events.on(name, listener),
    close,
  });
};

/** Exports this vat's door for a room before its replica runs (its ref goes into the state). */
const exportDoor = (vat: Vat, room: string) => {
  let make: ((peer: VatId) => object) | undefined;
  const ref = vat.exportPerPeer(
    peer => {
      if (!make)
        throw Error(
          `[not-ready] the replica of ${room} on vat ${short(vat.id)} is starting; try again`,
        );
      return make(peer);
    },
    { name: doorName(room) },
  );
  return {
    ref,
    bind(m: (peer: VatId) => object) {
      make = m;
    },
  };
};

/** Makes the first replica of a new room in `vat` (its owner), or resumes the one it serves under that name. */
export const hostReplicatedUnum = async <State>(
  vat: Vat,
  definition: UnumDefinition<State>,
  opts: ReplicatedOptions,
): Promise<ServedReplica<State>> => {
  if (!SIZES.has(opts.replicas))
    throw Error(`[bad-option] a room has 1, 3 or 5 replicas, not ${opts.replicas}`);
  const tables = openReplicaTables(vat);
  let served = tables.ownedByName(opts.name);
  if (served && served.type !== definition.type)
    throw Error(
      `[bad-unum] ${JSON.stringify(opts.name)} is served here as a ${served.type}, not a ${definition.type}`,
    );
  if (!served) {
    const first = firstState(definition, opts.name, vat.id);
    const { room } = first;
    const door = exportDoor(vat, room);
    const genesis: QuorumSnapshot<State> = harden({
      v: 2,
      ...first,
      replicas: [{ vatId: vat.id, ref: door.ref }],
      capacity: opts.capacity ?? DEFAULT_UNUM_LIMITS.capacity,
      open: true,
      at: 0,
      request: '',
    });
    const { text, sig } = signQuorumSnapshot(genesis, m => vat.sign(m));
    served = harden({
      room,
      name: opts.name,
      type: definition.type,
      certified: harden({ snapshot: text, sigs: [harden({ by: vat.id, sig })] }),
      slot: { seq: 0, ts: 0 },
      target: opts.replicas,
    });
    tables.create(served);
    return runReplica(vat, tables, definition, served, opts, door);
  }
  return runReplica(vat, tables, definition, served, opts, exportDoor(vat, served.room));
};
harden(hostReplicatedUnum);

/**
 * Serves a replica of the room behind `replicaInvite` in `vat`: it enters the
 * set (a request the majority decides) and catches up. On a vat that already
 * serves that room, resumes it from its store instead.
 */
export const serveUnumReplica = async <State>(
  vat: Vat,
  definition: UnumDefinition<State>,
  replicaInvite: string,
  opts: ServeReplicaOptions = {},
  faults: ReplicaFaults<State> = {},
): Promise<ServedReplica<State>> => {
  const tables = openReplicaTables(vat);
  const invite = await vat.fetch<ReplicaInvite>(replicaInvite);
  const info = await E(invite).describe();
  if (info.type !== definition.type)
    throw Error(`[bad-unum] the replica invite is to a ${info.type}, not a ${definition.type}`);
  const known = tables.load(info.room);
  if (known)
    return runReplica(vat, tables, definition, known, opts, exportDoor(vat, known.room), faults);
  const door = exportDoor(vat, info.room);
  const certified = await E(invite).enter(door.ref);
  const snapshot = parseQuorumSnapshot(certified.snapshot, info.room);
  if (!replicaIds(snapshot).includes(vat.id))
    throw Error(
      `[bad-reply] the owner of ${info.room} answered with a state that does not name this vat a replica`,
    );
  const served: ServedRoom = harden({
    room: info.room,
    name: snapshot.name,
    type: snapshot.type,
    certified,
    slot: { seq: 0, ts: 0 },
  });
  tables.create(served);
  return runReplica(vat, tables, definition, served, opts, door, faults);
};
harden(serveUnumReplica);
