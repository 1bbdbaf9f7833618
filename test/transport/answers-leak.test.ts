// @endo/captp 4.5.1 keeps every answer for the life of a connection (its drop
// handler deletes the wrong key), so a peer could grow our memory just by
// calling. patches/@endo+captp+4.5.1.patch drops answers once returned; this
// test fails without it (the callee then holds ~1 GB).
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

test('10,000 calls returning 100 KB each leave the callee heap within 20 MB of where it was', async t => {
  const bob = await fixtureVat(t, { nodeArgs: ['--expose-gc'] });
  const alice = await testVat(t);
  const fixture = await alice.fetch<Fixture>(String(bob.ready.fixture));
  await E(fixture).blob(RESULT_BYTES); // warm up the session and code paths
  const before = await E(fixture).heapAfterGc();
  let received = 0;
  for (let sent = 0; sent < CALLS; sent += IN_FLIGHT) {
    const batch = Array.from({ length: IN_FLIGHT }, () => E(fixture).blob(RESULT_BYTES));
    for (const result of await Promise.all(batch)) received += result.length;
  }
  t.is(received, CALLS * RESULT_BYTES);
  const after = await E(fixture).heapAfterGc();
  const growth = after - before;
  t.log(`callee heap growth after ${CALLS} calls: ${(growth / 1024 / 1024).toFixed(1)} MB`);
  t.true(growth < MAX_GROWTH, `heap grew ${(growth / 1024 / 1024).toFixed(1)} MB`);
});
