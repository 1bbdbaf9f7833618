// unum/quorum/far-peers.ts: how one replica reaches the others over CapTP:
// each one's door, fetched from its sturdy ref in the certified state and
// kept until its session breaks. Timeslots and signatures go one way; the
// questions (timeslots, a request, the certified state) are bounded in time.
import { E, type ERef } from '@endo/far';
import type { VatId } from '../../captp-transport/index.js';
import type { Vat } from '../../vat/index.js';
import { withTimeout } from '../serial.js';
import type { ReplicaDoor } from './door-facets.js';
import type { ReplicaPeers } from './replica-core.js';

export const makeFarPeers = (
  vat: Vat,
  refOf: (vatId: VatId) => string | undefined,
  timeoutMs: number,
): ReplicaPeers & { close(): void } => {
  const doors = new Map<VatId, Promise<ERef<ReplicaDoor>>>();
  let closed = false;
  const door = (to: VatId): Promise<ERef<ReplicaDoor>> => {
    const known = doors.get(to);
    if (known) return known;
    const ref = refOf(to);
    if (!ref || closed)
      return Promise.reject(Error(`[not-a-replica] no door known for ${to.slice(0, 8)}`));
    const fetched = vat.fetch<ReplicaDoor>(ref).then(d => {
      vat.onBroken(d, () => {
        if (doors.get(to) === fetched) doors.delete(to);
      });
      return d;
    });
    fetched.catch(() => {
      if (doors.get(to) === fetched) doors.delete(to);
    });
    doors.set(to, fetched);
    return fetched;
  };
  const oneWay = (to: VatId, send: (d: ERef<ReplicaDoor>) => void) =>
    void door(to).then(send, () => {}); // a replica that cannot be reached is the silence watch's to judge
  const ask = <T>(to: VatId, what: string, question: (d: ERef<ReplicaDoor>) => Promise<T>) =>
    withTimeout(door(to).then(question), timeoutMs, `asking replica ${to.slice(0, 8)} for ${what}`);
  return harden({
    timeslot: (to, slot) => oneWay(to, d => E.sendOnly(d).timeslot(slot)),
    signature: (to, statement) => oneWay(to, d => E.sendOnly(d).signature(statement)),
    submit: (to, request) => oneWay(to, d => E.sendOnly(d).submit(request)),
    timeslots: (to, replica, fromSeq) =>
      ask(to, 'timeslots', d => E(d).timeslots(replica, fromSeq)) as never,
    request: (to, id) => ask(to, 'a request', d => E(d).request(id)) as never,
    certified: to => ask(to, 'its certified state', d => E(d).certified()) as never,
    close() {
      closed = true;
      doors.clear();
    },
  });
};
harden(makeFarPeers);
