// unum/quorum/order.ts: the majority-rule order of critical requests
// (docs/protocol.md §4.8.4), after Endo, Kawahara and Takahashi's site
// servers. Every replica feeds it the same signed timeslots, so every honest
// replica computes the same order:
//   a request's quorum time is the N_majority-th earliest of its arrival times;
//   it is ready once that time is earlier than the latest time stamp of every
//   replica not being ignored (no arrival earlier than it can come any more);
//   ready requests go in order of quorum time, then id.
// Up to N_majority − 1 replicas lying about arrival times cannot move a
// request's quorum time outside the honest replicas' own times for it.
import type { VatId } from '../../captp-transport/index.js';
import { entryOf } from './map-entry.js';
import type { Timeslot } from './timeslot.js';

export const majorityOf = (k: number): number => Math.floor(k / 2) + 1;
harden(majorityOf);

interface Stamp {
  seq: number;
  ts: number;
}

export type SlotOutcome =
  /** Taken: its arrivals count and its time stamp is the replica's latest. */
  | 'taken'
  /** Already had (its seq is not after the latest taken). */
  | 'old'
  /** Kept until the ones before it come (`missing` is the first seq lacking). */
  | 'early';

export interface Ready {
  id: string;
  /** The quorum time: the N_majority-th earliest arrival. */
  at: number;
}

export interface Orderer {
  /** Takes a replica's timeslot (and any kept ones it makes takeable); throws `[bad-timeslot]` for one outside its window. */
  take(slot: Timeslot): SlotOutcome;
  /** The first seq missing from a replica, if a later one is kept. */
  missing(replica: VatId): number | undefined;
  /** The replica's latest time stamp taken (−1 before any). */
  stampOf(replica: VatId): number;
  seqOf(replica: VatId): number;
  /** Requests ready now, in order; `ignored` replicas are not waited for. */
  ready(ignored: ReadonlySet<VatId>): Ready[];
  /** The replicas the first not-yet-ready request waits for, and its quorum time. */
  waitingOn(ignored: ReadonlySet<VatId>): { at: number; replicas: VatId[] } | undefined;
  /** Whether a request is ready to order or waiting, or one short of a majority arrived since `since`. */
  pending(since: number): boolean;
  /** The replicas that reported an arrival of `id` (they hold its text). */
  reporters(id: string): VatId[];
  done(id: string): void;
  /** Marks done every request ordered up to `(at, id)`, now or when it turns up: a majority decided them before the snapshot a replica adopts. */
  doneThrough(at: number, id: string): void;
  isDone(id: string): boolean;
  /** Forgets done ids and lone arrivals older than `before` (a replayed request is then refused by its age). */
  prune(before: number): void;
  /**
   * Starts a replica's timeslots at `seq` instead of 1, for a replica that
   * (re)started after the others: only before any timeslot of it was taken.
   */
  rebase(replica: VatId, seq: number): void;
  /** A replica set change: new replicas start after `start`, removed ones are dropped. */
  setReplicas(replicas: readonly VatId[], start?: Stamp): void;
}

export const makeOrderer = (
  initial: readonly VatId[],
  start: Stamp = { seq: 0, ts: -1 },
): Orderer => {
  let replicas = [...initial];
  let quorum = majorityOf(replicas.length);
  const stamps = new Map<VatId, Stamp>(replicas.map(r => [r, { ...start }]));
  const early = new Map<VatId, Map<number, Timeslot>>();
  /** Arrival times by request id, then replica. */
  const arrivals = new Map<string, Map<VatId, number>>();
  const finished = new Map<string, number>();
  /** Everything ordered at or before this was decided (by a snapshot a majority signed). */
  let floor: Ready = { id: '', at: Number.NEGATIVE_INFINITY };

  const quorumTime = (id: string): number | undefined => {
    const times = [...(arrivals.get(id)?.values() ?? [])].sort((a, b) => a - b);
    return times.length >= quorum ? times[quorum - 1] : undefined;
  };
  const byOrder = (a: Ready, b: Ready) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const candidates = (): Ready[] =>
    [...arrivals.keys()]
      .flatMap(id => {
        const at = quorumTime(id);
        return at === undefined || byOrder({ id, at }, floor) <= 0 ? [] : [{ id, at }];
      })
      .sort(byOrder);
  const waitedFor = (at: number, ignored: ReadonlySet<VatId>) =>
    replicas.filter(r => !ignored.has(r) && stamps.get(r)!.ts <= at);

  const takeNext = (slot: Timeslot) => {
    const last = stamps.get(slot.replica)!;
    if (slot.ts <= last.ts)
      throw Error(
        `[bad-timeslot] timeslot ${slot.seq} of replica ${slot.replica.slice(0, 8)} is not later than its previous one`,
      );
    for (const [id, t] of slot.arrivals) {
      if (t <= last.ts)
        throw Error(
          `[bad-timeslot] timeslot ${slot.seq} of replica ${slot.replica.slice(0, 8)} reports an arrival before its previous time stamp`,
        );
      if (finished.has(id)) continue;
      const times = entryOf(arrivals, id, () => new Map<VatId, number>());
      if (!times.has(slot.replica)) times.set(slot.replica, t);
    }
    stamps.set(slot.replica, { seq: slot.seq, ts: slot.ts });
  };

  return harden({
    take(slot: Timeslot): SlotOutcome {
      const last = stamps.get(slot.replica);
      if (!last) throw Error(`[bad-timeslot] ${slot.replica.slice(0, 8)} is not a replica`);
      if (slot.seq <= last.seq) return 'old';
      if (slot.seq > last.seq + 1) {
        const kept = entryOf(early, slot.replica, () => new Map<number, Timeslot>());
        if (kept.size < 64) kept.set(slot.seq, slot);
        return 'early';
      }
      takeNext(slot);
      const kept = early.get(slot.replica);
      for (let next = kept?.get(slot.seq + 1); next; next = kept?.get(next.seq + 1)) {
        kept!.delete(next.seq);
        takeNext(next);
      }
      for (const seq of kept?.keys() ?? [])
        if (seq <= stamps.get(slot.replica)!.seq) kept!.delete(seq);
      return 'taken';
    },
    missing(replica: VatId) {
      const kept = early.get(replica);
      return kept?.size ? stamps.get(replica)!.seq + 1 : undefined;
    },
    stampOf: (replica: VatId) => stamps.get(replica)?.ts ?? -1,
    seqOf: (replica: VatId) => stamps.get(replica)?.seq ?? 0,
    ready(ignored: ReadonlySet<VatId>) {
      const out: Ready[] = [];
      for (const c of candidates()) {
        if (waitedFor(c.at, ignored).length > 0) break;
        out.push(c);
      }
      return out;
    },
    waitingOn(ignored: ReadonlySet<VatId>) {
      for (const c of candidates()) {
        const waiting = waitedFor(c.at, ignored);
        if (waiting.length > 0) return { at: c.at, replicas: waiting };
      }
      return undefined;
    },
    pending(since: number) {
      if (candidates().length > 0) return true;
      for (const times of arrivals.values()) if (Math.max(...times.values()) >= since) return true;
      return false;
    },
    reporters: (id: string) => [...(arrivals.get(id)?.keys() ?? [])],
    done(id: string) {
      finished.set(id, quorumTime(id) ?? 0);
      arrivals.delete(id);
    },
    doneThrough(at: number, id: string) {
      if (byOrder({ id, at }, floor) > 0) floor = { id, at };
    },
    isDone: (id: string) => {
      if (finished.has(id)) return true;
      const at = quorumTime(id);
      return at !== undefined && byOrder({ id, at }, floor) <= 0;
    },
    prune(before: number) {
      for (const [id, at] of finished) if (at < before) finished.delete(id);
      for (const id of arrivals.keys()) {
        const at = quorumTime(id);
        if (at !== undefined && byOrder({ id, at }, floor) <= 0) arrivals.delete(id);
      }
      for (const [id, times] of arrivals)
        if (quorumTime(id) === undefined && Math.max(...times.values()) < before)
          arrivals.delete(id);
    },
    rebase(replica: VatId, seq: number) {
      const stamp = stamps.get(replica);
      if (stamp?.seq === 0 && seq > 1) stamp.seq = seq - 1;
    },
    setReplicas(next: readonly VatId[], from: Stamp = { seq: 0, ts: -1 }) {
      for (const r of replicas)
        if (!next.includes(r)) {
          stamps.delete(r);
          early.delete(r);
          for (const times of arrivals.values()) times.delete(r);
        }
      for (const r of next) if (!stamps.has(r)) stamps.set(r, { ...from });
      replicas = [...next];
      quorum = majorityOf(replicas.length);
    },
  });
};
harden(makeOrderer);
