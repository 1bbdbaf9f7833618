// unum/quorum/replica-core.ts: one replica of a room's critical state
// (docs/protocol.md §4.8), apart from how it reaches the others (`peers`),
// where it keeps what it must not forget (`store`) and what the requests do
// (`decide`). It notes requests' arrivals, sends its timeslots, orders
// requests by majority rule, applies each in turn to the certified state,
// signs the result and, once a majority of the set in force signed the same
// text, holds it as the new certified state. It signs one text per cseq at
// most, and adopts any snapshot a majority certified, so a replica that fell
// behind or decided otherwise follows the majority.
import type { VatId } from '../../captp-transport/index.js';
import { makeEmitter, type Listener } from '../../presence/index.js';
import {
  openCertified,
  parseQuorumSnapshot,
  replicaIds,
  signQuorumSnapshot,
  type CertifiedSnapshot,
  type QuorumSnapshot,
} from './certified.js';
import type { QuorumClock } from './clock.js';
import type { Evidence } from './evidence.js';
import { entryOf } from './map-entry.js';
import { makeOrderer } from './order.js';
import { openRequest, type OpenedRequest, type SignedRequest } from './request.js';
import { makeSignatureBook } from './signature-book.js';
import { makeSilenceWatch } from './silence-watch.js';
import { makeSlotWriter } from './slot-writer.js';
import { openTimeslot, type SignedTimeslot } from './timeslot.js';
import { DEFAULT_QUORUM_TIMERS, type QuorumTimers } from './timers.js';

/** What a request does to the certified state: the next state's fields, or a refusal. */
export type Decide<State> = (
  current: QuorumSnapshot<State>,
  request: OpenedRequest,
  at: number,
) =>
  | { next: Omit<QuorumSnapshot<State>, 'v' | 'room' | 'cseq' | 'at' | 'request'> }
  | { refused: string };

/** How a replica reaches the others: one-way sends and questions, each to one replica. */
export interface ReplicaPeers {
  timeslot(to: VatId, slot: SignedTimeslot): void;
  signature(to: VatId, statement: { snapshot: string; sig: string }): void;
  /** Passes on a request this replica signed or took (a requester sends to every replica itself). */
  submit(to: VatId, request: SignedRequest): void;
  timeslots(to: VatId, replica: VatId, fromSeq: number): Promise<SignedTimeslot[]>;
  request(to: VatId, id: string): Promise<SignedRequest | undefined>;
  certified(to: VatId): Promise<CertifiedSnapshot | undefined>;
}

/** What a replica writes before it acts on it or sends it. */
export interface ReplicaStore {
  saveCertified(certified: CertifiedSnapshot): void;
  /** Its own signature for a cseq: checked before signing, so it never signs two texts for one cseq, restarts included. */
  saveOwn(cseq: number, statement: { snapshot: string; sig: string }): void;
  ownAt(cseq: number): { snapshot: string; sig: string } | undefined;
  saveSlot(seq: number, ts: number): void;
}

export interface ReplicaCoreEvents<State> extends Record<string, unknown> {
  /** A new state a majority signed, adopted. */
  certified: { snapshot: QuorumSnapshot<State>; certified: CertifiedSnapshot };
  /** A request decided: applied in the certified snapshot `cseq`, or refused (every honest replica refuses it alike). */
  decided: { id: string; author?: VatId; cseq?: number; refused?: string };
  evidence: Evidence;
  ignored: { replica: VatId; until: number };
}

export interface ReplicaCore<State> {
  readonly self: VatId;
  /** A requester's request arriving here. Throws `[bad-request]`, `[stale-request]`, `[busy]`. */
  submit(signed: SignedRequest): { id: string };
  /** Submits a request here and passes it on to every other replica. */
  submitToAll(signed: SignedRequest): { id: string };
  receiveTimeslot(signed: SignedTimeslot): void;
  receiveSignature(by: VatId, statement: { snapshot: string; sig: string }): void;
  /** Answers a timeslot request: `replica`'s timeslots from `fromSeq` that this replica holds. */
  timeslotsOf(replica: VatId, fromSeq: number): SignedTimeslot[];
  requestById(id: string): SignedRequest | undefined;
  /** The newest certified state held, with its signatures. */
  certified(): CertifiedSnapshot;
  snapshot(): QuorumSnapshot<State>;
  ignored(): ReadonlySet<VatId>;
  on<K extends keyof ReplicaCoreEvents<State>>(
    name: K,
    listener: Listener<ReplicaCoreEvents<State>[K]>,
  ): () => void;
  close(): void;
}

/** Others' timeslots kept per replica, to pass on to one that missed them. */
const KEPT_SLOTS = 256;

export const makeReplicaCore = <State>(opts: {
  self: VatId;
  sign: (message: Uint8Array) => Uint8Array;
  peers: ReplicaPeers;
  store: ReplicaStore;
  decide: Decide<State>;
  /** The certified state it starts from, and its own last timeslot. */
  start: { certified: CertifiedSnapshot; slot: { seq: number; ts: number } };
  clock: QuorumClock;
  timers?: Partial<QuorumTimers>;
}): ReplicaCore<State> => {
  const { self, peers, store, clock } = opts;
  const timers: QuorumTimers = { ...DEFAULT_QUORUM_TIMERS, ...opts.timers };
  let tipCertified = opts.start.certified;
  let tip = parseQuorumSnapshot<State>(tipCertified.snapshot);
  const room = tip.room;
  const events = makeEmitter<ReplicaCoreEvents<State>>();
  const inForce = () => replicaIds(tip);
  const orderer = makeOrderer(inForce());
  orderer.rebase(self, opts.start.slot.seq + 1);
  if (tip.request) orderer.doneThrough(tip.at, tip.request);
  const book = makeSignatureBook(room);
  const requests = new Map<string, OpenedRequest>();
  const slotsOf = new Map<VatId, { seq: number; signed: SignedTimeslot }[]>();
  const fetching = new Set<string>();
  const reported = new Set<string>();
  let inflight: { id: string; cseq: number } | undefined;
  let closed = false;
  const others = () => inForce().filter(r => r !== self);

  const writer = makeSlotWriter({
    self,
    room,
    sign: opts.sign,
    clock,
    start: opts.start.slot,
    save: (seq, ts) => store.saveSlot(seq, ts),
  });
  const watch = makeSilenceWatch({
    clock,
    timers,
    askFor: replica => {
      for (const other of others())
        if (other !== replica) void askTimeslots(other, replica, orderer.seqOf(replica) + 1);
    },
    onIgnored: (replica, until) => events.emit('ignored', harden({ replica, until })),
  });

  const keepSlot = (replica: VatId, seq: number, signed: SignedTimeslot) => {
    const kept = entryOf(slotsOf, replica, () => []);
    kept.push({ seq, signed });
    if (kept.length > KEPT_SLOTS) kept.shift();
  };
  const askTimeslots = async (to: VatId, replica: VatId, fromSeq: number) => {
    try {
      const slots = (await peers.timeslots(to, replica, fromSeq)).slice(0, 256);
      // This replica (re)started after that one: its kept timeslots are where it begins.
      const first = slots[0] && openTimeslot(slots[0], room, inForce()).timeslot;
      if (first?.replica === replica && orderer.seqOf(replica) === 0)
        orderer.rebase(replica, first.seq);
      for (const slot of slots) takeSlot(slot);
    } catch {} // a replica that does not answer is the silence watch's to judge
  };

  const report = (evidence: readonly Evidence[]) => {
    for (const e of evidence) {
      const key = `${e.kind}|${e.replica}|${e.cseq}`;
      if (reported.has(key) || e.replica === self) continue;
      reported.add(key);
      events.emit('evidence', e);
    }
  };

  /** Holds a certified snapshot newer than the tip as the new state. */
  const adopt = (certified: CertifiedSnapshot, snapshot: QuorumSnapshot<State>) => {
    if (snapshot.cseq <= tip.cseq) return;
    store.saveCertified(certified);
    tipCertified = certified;
    tip = snapshot;
    if (snapshot.request) orderer.doneThrough(snapshot.at, snapshot.request);
    orderer.setReplicas(replicaIds(snapshot));
    if (inflight && inflight.cseq <= snapshot.cseq) inflight = undefined;
    book.forgetBelow(snapshot.cseq - 16);
    events.emit('certified', harden({ snapshot, certified }));
    if (snapshot.request)
      events.emit(
        'decided',
        harden({
          id: snapshot.request,
          cseq: snapshot.cseq,
          ...(requests.has(snapshot.request)
            ? { author: requests.get(snapshot.request)!.request.author }
            : {}),
        }),
      );
  };

  /** Forgets decided requests older than a replay could be (their texts stay for others to ask for until then). */
  let prunedAt = clock.now();
  const prune = (force = false) => {
    const now = clock.now();
    if (!force && now - prunedAt < timers.heartbeatMs) return;
    prunedAt = now;
    const before = now - 2 * timers.maxRequestAgeMs;
    orderer.prune(before);
    for (const [id, r] of requests)
      if (r.request.ts < before || (force && orderer.isDone(id))) requests.delete(id);
  };

  const record = (by: VatId, statement: { snapshot: string; sig: string }) => {
    const signed = book.add(statement.snapshot, statement.sig, by, inForce());
    report(signed.evidence);
    if (signed.certified)
      adopt(signed.certified, parseQuorumSnapshot<State>(signed.certified.snapshot, room));
  };

  /** Applies the next ready request, if it can: one in flight at a time, as each builds on the last certified state. */
  const step = () => {
    while (!closed && !inflight) {
      const next = orderer.ready(watch.ignored())[0];
      if (!next) return;
      const request = requests.get(next.id);
      if (!request) return void fetchRequest(next.id);
      const refused =
        Math.abs(next.at - request.request.ts) > timers.maxRequestAgeMs
          ? `[stale-request] the request was signed ${Math.round(Math.abs(next.at - request.request.ts) / 1000)} s away from the time it was ordered at`
          : undefined;
      const outcome = refused ? { refused } : opts.decide(tip, request, next.at);
      if ('refused' in outcome) {
        orderer.done(next.id);
        events.emit(
          'decided',
          harden({ id: next.id, author: request.request.author, refused: outcome.refused }),
        );
        continue;
      }
      const cseq = tip.cseq + 1;
      inflight = { id: next.id, cseq };
      const own = store.ownAt(cseq);
      if (own) {
        // Signed before a restart (or on another path): never a second text for one cseq.
        record(self, own);
        return;
      }
      const candidate: QuorumSnapshot<State> = harden({
        ...outcome.next,
        v: 2,
        room,
        cseq,
        at: next.at,
        request: next.id,
      });
      const { text, sig } = signQuorumSnapshot(candidate, opts.sign);
      const statement = harden({ snapshot: text, sig });
      store.saveOwn(cseq, statement);
      for (const other of others()) peers.signature(other, statement);
      record(self, statement);
    }
  };

  const fetchRequest = async (id: string) => {
    if (fetching.has(id)) return;
    fetching.add(id);
    try {
      for (const from of orderer.reporters(id).filter(r => r !== self)) {
        try {
          const signed = await peers.request(from, id);
          const opened = signed && openRequest(signed, room);
          if (opened && opened.id === id) {
            requests.set(id, opened);
            break;
          }
        } catch {} // the next reporter may have it
      }
    } finally {
      fetching.delete(id);
      step();
    }
  };

  const takeSlot = (signed: SignedTimeslot) => {
    if (closed) return;
    const { timeslot } = openTimeslot(signed, room, inForce());
    if (timeslot.replica === self) return;
    const outcome = orderer.take(timeslot);
    if (outcome === 'old') return;
    keepSlot(timeslot.replica, timeslot.seq, signed);
    if (outcome === 'early')
      void askTimeslots(timeslot.replica, timeslot.replica, orderer.missing(timeslot.replica)!);
    if (timeslot.cseq > tip.cseq) void catchUp(timeslot.replica);
    step();
  };

  let catching: Promise<void> | undefined;
  const catchUp = (from: VatId) => {
    catching ??= (async () => {
      try {
        const certified = await peers.certified(from);
        if (!certified) return;
        adopt(certified, openCertified<State>(certified, inForce(), room));
      } catch {
      } finally {
        // its next timeslot says again whether it is ahead
        catching = undefined;
        step();
      }
    })();
    return catching;
  };

  // The timeslot clock: fast while a request is pending, a heartbeat otherwise.
  let cancelTimer = () => {};
  let dueAt = Number.POSITIVE_INFINITY;
  /** A request short of a majority keeps the timeslots fast this long, then only heartbeats wait for the rest of it. */
  const lonely = () => clock.now() - 4 * (timers.timeoutMs + timers.requestTimeoutMs);
  const busy = () => writer.waiting() || orderer.pending(lonely()) || inflight !== undefined;
  const schedule = (ms: number) => {
    const at = clock.now() + ms;
    if (at >= dueAt) return;
    cancelTimer();
    dueAt = at;
    cancelTimer = clock.after(ms, tick);
  };
  const tick = () => {
    dueAt = Number.POSITIVE_INFINITY;
    if (closed) return;
    const { timeslot, signed } = writer.cut(tip.cseq);
    orderer.take(timeslot);
    for (const other of others()) peers.timeslot(other, signed);
    const waiting = orderer.waitingOn(watch.ignored());
    watch.check(waiting?.replicas.filter(r => r !== self) ?? [], r => orderer.stampOf(r));
    step();
    prune();
    schedule(busy() ? timers.timeslotMs : timers.heartbeatMs);
  };
  schedule(timers.timeslotMs);

  const core: ReplicaCore<State> = harden({
    self,
    submit(signed: SignedRequest) {
      const opened = openRequest(signed, room);
      const { id } = opened;
      if (orderer.isDone(id) || requests.has(id)) return harden({ id });
      if (Math.abs(clock.now() - opened.request.ts) > timers.maxRequestAgeMs)
        throw Error(
          `[stale-request] a request to ${room} signed at ${new Date(opened.request.ts).toISOString()} is too old or too far ahead of this replica's clock; sign it again`,
        );
      if (requests.size >= timers.maxPending) prune(true);
      if (requests.size >= timers.maxPending)
        throw Error(`[busy] ${room} has ${requests.size} requests waiting; try again in a moment`);
      requests.set(id, opened);
      writer.arrived(id);
      schedule(timers.timeslotMs);
      return harden({ id });
    },
    submitToAll(signed: SignedRequest) {
      const taken = core.submit(signed);
      for (const other of others()) peers.submit(other, signed);
      return taken;
    },
    receiveTimeslot: takeSlot,
    receiveSignature(by: VatId, statement: { snapshot: string; sig: string }) {
      if (!closed) record(by, statement);
      step();
    },
    timeslotsOf: (replica: VatId, fromSeq: number) =>
      replica === self
        ? writer.since(fromSeq)
        : (slotsOf.get(replica) ?? []).filter(k => k.seq >= fromSeq).map(k => k.signed),
    requestById: (id: string) => requests.get(id)?.signed,
    certified: () => tipCertified,
    snapshot: () => tip,
    ignored: () => watch.ignored(),
    on: (name, listener) => events.on(name, listener),
    close() {
      closed = true;
      cancelTimer();
    },
  });
  return core;
};
harden(makeReplicaCore);
