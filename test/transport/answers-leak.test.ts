// @endo/captp 4.5.1 keeps every answer for the life of a connection (its drop
// handler deletes the wrong key), and every question's result on the caller's
// side too, so memory grows with each call. patches/@endo+captp+4.5.1.patch
// drops both once an answer has returned; this test fails without it (the
// callee then holds ~1 GB, and so does the caller).
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fixtureVat, testVat } from '../helpers.js';

interface Fixture {
  blob(bytes: number): string;
  heapAfterGc(): number;
}

const CALLS = 10_000;
const RESULT_BYTES = 100 * 1024;
const IN_FLIGHT = 100;
const MAX_GROWTH = 20 * 1024 * 1024;

const callerHeap = () => {
  const { gc } = globalThis as { gc?: () => void };
  if (!gc) throw Error('run ava with --expose-gc (package.json sets it)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

test('10,000 calls returning 100 KB each leave callee and caller heaps within 20 MB of where they were', async t => {
  const bob = await fixtureVat(t, { nodeArgs: ['--expose-gc'] });
  const alice = await testVat(t);
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  await E(fixture).blob(RESULT_BYTES); // warm up the session and code paths
  const before = await E(fixture).heapAfterGc();
  const callerBefore = callerHeap();
  let received = 0;
  for (let sent = 0; sent < CALLS; sent += IN_FLIGHT) {
    const batch = Array.from({ length: IN_FLIGHT }, () => E(fixture).blob(RESULT_BYTES));
    for (const result of await Promise.all(batch)) received += result.length;
  }
  t.is(received, CALLS * RESULT_BYTES);
  const growth = (await E(fixture).heapAfterGc()) - before;
  const callerGrowth = callerHeap() - callerBefore;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  t.log(`heap growth after ${CALLS} calls: callee ${mb(growth)}, caller ${mb(callerGrowth)}`);
  t.true(growth < MAX_GROWTH, `callee heap grew ${mb(growth)}`);
  t.true(callerGrowth < MAX_GROWTH, `caller heap grew ${mb(callerGrowth)}`);
});
