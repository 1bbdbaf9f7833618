// unum/quorum/slot-writer.ts: this replica's own timeslots: it notes each
// request's arrival on its clock and, when asked, cuts the next timeslot
// (seq + 1, a time stamp later than every arrival in it), saved before it is
// sent so a restarted replica goes on from the same seq and time.
import type { VatId } from '../../captp-transport/index.js';
import type { QuorumClock } from './clock.js';
import {
  MAX_ARRIVALS,
  signTimeslot,
  type Arrival,
  type OpenedTimeslot,
  type SignedTimeslot,
} from './timeslot.js';

/** Own timeslots kept to answer timeslot requests with. */
const KEPT = 256;

export interface SlotWriter {
  /** Notes a request's arrival now (once per id). */
  arrived(id: string): void;
  /** Whether arrivals wait to be sent. */
  waiting(): boolean;
  /** Cuts, saves and returns the next timeslot. */
  cut(cseq: number): OpenedTimeslot;
  /** Own timeslots from `seq` on (as many as are kept). */
  since(seq: number): SignedTimeslot[];
}

export const makeSlotWriter = (opts: {
  self: VatId;
  room: string;
  sign: (message: Uint8Array) => Uint8Array;
  clock: QuorumClock;
  start: { seq: number; ts: number };
  save(seq: number, ts: number): void;
}): SlotWriter => {
  let { seq, ts } = opts.start;
  let outbox: Arrival[] = [];
  const noted = new Set<string>();
  const kept: { seq: number; signed: SignedTimeslot }[] = [];
  return harden({
    arrived(id: string) {
      if (noted.has(id)) return;
      noted.add(id);
      outbox.push([id, Math.max(opts.clock.now(), ts + 1)]);
    },
    waiting: () => outbox.length > 0,
    cut(cseq: number) {
      outbox.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
      const arrivals = outbox.slice(0, MAX_ARRIVALS);
      outbox = outbox.slice(MAX_ARRIVALS);
      const last = arrivals.at(-1)?.[1] ?? 0;
      seq += 1;
      ts = Math.max(opts.clock.now(), ts + 1, last);
      // Arrivals left for the next timeslot must come after this one's stamp.
      outbox = outbox.map(([id, t]) => [id, Math.max(t, ts + 1)] as Arrival);
      opts.save(seq, ts);
      for (const [id] of arrivals) noted.delete(id);
      const opened = signTimeslot(
        { v: 1, room: opts.room, replica: opts.self, seq, ts, cseq, arrivals },
        opts.sign,
      );
      kept.push({ seq, signed: opened.signed });
      if (kept.length > KEPT) kept.shift();
      return opened;
    },
    since: (from: number) => kept.filter(k => k.seq >= from).map(k => k.signed),
  });
};
harden(makeSlotWriter);
