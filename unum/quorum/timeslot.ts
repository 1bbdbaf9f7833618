// unum/quorum/timeslot.ts: the message each replica sends the others every
// timeslot (docs/protocol.md §4.8.3): its time stamp and the requests that
// reached it since its last one, with their arrival times on its clock. A
// timeslot is signed, so a replica can pass on another's to a third that
// missed it (the timeslot request), and nobody can forge one.
//
//   timeslot = { v:1, room, replica, seq, ts, cseq, arrivals: [[id, t], …] }
//   text     = canonical(timeslot); sig = Ed25519(replica, "stoa/timeslot/v1\n" + text)
import {
  domainSignatureHolds,
  short,
  signWithDomain,
  type VatId,
} from '../../captp-transport/index.js';
import { canonical } from '../../presence/index.js';
import { parseExactRecord } from './exact-record.js';

export const TIMESLOT_DOMAIN = 'stoa/timeslot/v1\n';
/** Arrivals one timeslot carries at most; more wait for the next. */
export const MAX_ARRIVALS = 1024;

export type Arrival = readonly [id: string, t: number];

export interface Timeslot {
  v: 1;
  room: string;
  replica: VatId;
  /** 1, 2, 3, … per replica: a gap means a timeslot missed. */
  seq: number;
  /** The replica's clock when it sent this: every arrival it reports later is later than this. */
  ts: number;
  /** The highest cseq the replica holds a majority's signatures for: a replica behind asks it for that snapshot. */
  cseq: number;
  /** Sorted by time, then id; each time after the previous timeslot's ts and at most this one's. */
  arrivals: Arrival[];
}

export interface SignedTimeslot {
  timeslot: string;
  sig: string;
}

export interface OpenedTimeslot {
  timeslot: Timeslot;
  signed: SignedTimeslot;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
const isTime = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

export const signTimeslot = (
  slot: Timeslot,
  sign: (message: Uint8Array) => Uint8Array,
): OpenedTimeslot => {
  const text = canonical(slot);
  return harden({
    timeslot: harden(slot),
    signed: harden({ timeslot: text, sig: signWithDomain(TIMESLOT_DOMAIN, text, sign) }),
  });
};
harden(signTimeslot);

/**
 * Checks the form, the room, that its replica is one of `replicas`, and the
 * signature; the order against the replica's previous timeslot is the
 * orderer's to check. Throws `[bad-timeslot]`.
 */
export const openTimeslot = (
  signed: SignedTimeslot,
  room: string,
  replicas: readonly VatId[],
): OpenedTimeslot => {
  const bad = (why: string): never => {
    throw Error(`[bad-timeslot] a timeslot for ${room} ${why}`);
  };
  if (typeof signed?.timeslot !== 'string' || typeof signed.sig !== 'string')
    bad('is not a signed timeslot');
  if (signed.timeslot.length > 64 + MAX_ARRIVALS * 80) bad('is too long');
  const s = parseExactRecord<Timeslot>(
    signed.timeslot,
    ['v', 'room', 'replica', 'seq', 'ts', 'cseq', 'arrivals'],
    bad,
    '§4.8.3',
  );
  if (s.v !== 1) bad('is not version 1');
  if (s.room !== room) bad('names another room');
  if (typeof s.replica !== 'string' || !replicas.includes(s.replica))
    bad('comes from a vat that is not a replica of the room');
  if (!Number.isSafeInteger(s.seq) || s.seq < 1) bad('has no sequence number');
  if (!isTime(s.ts)) bad('has no time stamp');
  if (!isTime(s.cseq)) bad('has no cseq');
  if (!Array.isArray(s.arrivals) || s.arrivals.length > MAX_ARRIVALS)
    bad(`has no list of at most ${MAX_ARRIVALS} arrivals`);
  let last: Arrival | undefined;
  for (const a of s.arrivals) {
    if (!Array.isArray(a) || a.length !== 2 || typeof a[0] !== 'string' || !ID.test(a[0]))
      bad('has an arrival that is not [request id, time]');
    if (!isTime(a[1]) || a[1] > s.ts) bad('has an arrival after its own time stamp');
    if (last && (a[1] < last[1] || (a[1] === last[1] && a[0] <= last[0])))
      bad('has arrivals out of order');
    last = a as Arrival;
  }
  if (!domainSignatureHolds(TIMESLOT_DOMAIN, signed.timeslot, signed.sig, s.replica))
    bad(`is not signed by replica ${short(s.replica)}`);
  return harden({
    timeslot: harden(s),
    signed: harden({ timeslot: signed.timeslot, sig: signed.sig }),
  });
};
harden(openTimeslot);
