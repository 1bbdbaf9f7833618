// The majority-rule order of critical requests (unum/quorum/order.ts): the
// quorum time is the N_majority-th earliest arrival, a request waits for every
// replica not ignored to stamp past it, and up to N_majority − 1 replicas
// reporting any times they like cannot reorder what every honest replica saw
// in one order.
import test from '@endo/ses-ava/prepare-endo.js';
import fc from 'fast-check';
import { makeOrderer, majorityOf } from '../../unum/quorum/order.js';
import type { Timeslot } from '../../unum/quorum/timeslot.js';

const R = ['ra', 'rb', 'rc', 'rd', 're'];
const id = (n: number) => `${String(n).padStart(3, '0')}${'x'.repeat(40)}`;
const slot = (
  replica: string,
  seq: number,
  ts: number,
  arrivals: [string, number][],
): Timeslot => ({
  v: 1,
  room: 'r',
  replica,
  seq,
  ts,
  cseq: 0,
  arrivals: arrivals.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)),
});

test('a request is ready once a majority reported it and every replica stamped past its quorum time', t => {
  const o = makeOrderer(R.slice(0, 3));
  t.is(majorityOf(3), 2);
  o.take(slot('ra', 1, 100, [[id(1), 90]]));
  t.deepEqual(o.ready(new Set()), [], 'one arrival is not a majority');
  o.take(slot('rb', 1, 100, [[id(1), 95]]));
  t.deepEqual(o.ready(new Set()), [], 'rc has not stamped past 95');
  t.deepEqual(o.waitingOn(new Set()), { at: 95, replicas: ['rc'] });
  t.deepEqual(o.ready(new Set(['rc'])), [{ id: id(1), at: 95 }], 'unless rc is ignored');
  o.take(slot('rc', 1, 96, []));
  t.deepEqual(o.ready(new Set()), [{ id: id(1), at: 95 }]);
  o.done(id(1));
  t.deepEqual(o.ready(new Set()), []);
  t.true(o.isDone(id(1)));
  t.false(o.pending(0));
});

test('timeslots taken in seq order; a later one is kept until the gap is filled; an arrival before the previous stamp is refused', t => {
  const o = makeOrderer(R.slice(0, 3));
  t.is(o.take(slot('ra', 2, 200, [[id(2), 150]])), 'early');
  t.is(o.missing('ra'), 1);
  t.is(o.take(slot('ra', 1, 100, [[id(1), 50]])), 'taken');
  t.is(o.seqOf('ra'), 2, 'the kept one followed');
  t.is(o.stampOf('ra'), 200);
  t.is(o.missing('ra'), undefined);
  t.is(o.take(slot('ra', 2, 200, [])), 'old');
  t.throws(() => o.take(slot('ra', 3, 300, [[id(3), 150]])), { message: /^\[bad-timeslot\]/ });
  t.throws(() => o.take(slot('ra', 3, 200, [])), { message: /^\[bad-timeslot\]/ });
});

test('ready requests go in quorum-time order, ties by id; doneThrough settles what a majority decided', t => {
  const o = makeOrderer(R.slice(0, 3));
  o.take(
    slot('ra', 1, 100, [
      [id(2), 10],
      [id(1), 20],
      [id(3), 20],
    ]),
  );
  o.take(
    slot('rb', 1, 100, [
      [id(2), 12],
      [id(3), 20],
      [id(1), 30],
    ]),
  );
  o.take(slot('rc', 1, 100, []));
  t.deepEqual(
    o.ready(new Set()).map(r => r.id),
    [id(2), id(3), id(1)],
  );
  o.doneThrough(20, id(3));
  t.deepEqual(
    o.ready(new Set()).map(r => r.id),
    [id(1)],
  );
});

test('property: up to N_majority − 1 liars cannot reorder requests the honest replicas all saw in one order', t => {
  const scenario = fc
    .record({ k: fc.constantFrom(3, 5), n: fc.integer({ min: 2, max: 8 }) })
    .chain(({ k, n }) =>
      fc.record({
        k: fc.constant(k),
        liars: fc.integer({ min: 0, max: majorityOf(k) - 1 }),
        honest: fc.array(
          fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: n, maxLength: n }),
          {
            minLength: k,
            maxLength: k,
          },
        ),
        lies: fc.array(
          fc.array(fc.option(fc.integer({ min: 1, max: 1000 })), { minLength: n, maxLength: n }),
          {
            minLength: k,
            maxLength: k,
          },
        ),
      }),
    );
  fc.assert(
    fc.property(scenario, ({ k, liars, honest, lies }) => {
      const replicas = R.slice(0, k);
      const o = makeOrderer(replicas);
      const n = honest[0]!.length;
      replicas.forEach((replica, r) => {
        const lying = r < liars;
        const arrivals: [string, number][] = [];
        for (let i = 0; i < n; i++) {
          const time = lying ? lies[r]![i] : honest[r]![i];
          if (time !== null && time !== undefined) arrivals.push([id(i), time]);
        }
        o.take(slot(replica, 1, 2000, arrivals));
      });
      const order = o.ready(new Set()).map(r => r.id);
      const honestTimes = (i: number) => honest.slice(liars).map(times => times[i]!);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if (Math.max(...honestTimes(i)) < Math.min(...honestTimes(j))) {
            if (!(order.indexOf(id(i)) < order.indexOf(id(j)))) return false;
          }
        }
      // Every request reached every honest replica, which are a majority: all are ordered.
      return order.length === n;
    }),
    { numRuns: 300 },
  );
  t.pass();
});
