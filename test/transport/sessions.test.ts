// Session lifecycle: crossed dials, heartbeats, the bound on questions in flight.
import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far } from '@endo/far';
import { fixtureVat, testVat } from '../helpers.js';

interface Fixture {
  echo<T>(x: T): T;
  hang(): Promise<never>;
}

test('two vats dialing each other at once end with one session, the one the lower vat id dialed', async t => {
  for (let round = 0; round < 5; round += 1) {
    const [a, b] = await Promise.all([testVat(t), testVat(t)]);
    const thing = Far('Thing', { who: () => 'thing' });
    const [aRef, bRef] = [a.export(thing), b.export(thing)];
    const [fromB, fromA] = await Promise.all([
      a.fetch<{ who(): string }>(bRef),
      b.fetch<{ who(): string }>(aRef),
    ]);
    t.deepEqual(await Promise.all([E(fromB).who(), E(fromA).who()]), ['thing', 'thing']);
    const [lower] = [a.id, b.id].sort();
    for (const vat of [a, b]) {
      const { sessions, peers } = vat.stats();
      t.is(sessions, 1, `round ${round}: one session each`);
      t.is(peers[0]!.dialedBy, lower, `round ${round}: dialed by the lower vat id`);
    }
  }
});

test('a peer that stops answering is declared gone after two heartbeats', async t => {
  const bob = await fixtureVat(t);
  const alice = await testVat(t, { limits: { heartbeatMs: 200 } });
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  const pending = E(fixture).hang();
  await E(fixture).echo('delivered');
  bob.child.kill('SIGSTOP');
  t.teardown(() => bob.child.kill('SIGCONT'));
  await t.throwsAsync(pending, {
    message: new RegExp(
      `^\\[heartbeat-lost\\] session between ${alice.id.slice(0, 8)} and ${bob.vatId.slice(0, 8)} ended: no answer to ping within 200 ms`,
    ),
  });
});

test('a peer that has us hold more answers than the bound loses its session; others are served', async t => {
  const bob = await fixtureVat(t, { limits: { maxQuestionsInFlight: 5 } });
  const alice = await testVat(t);
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  const hangs = Array.from({ length: 6 }, () => E(fixture).hang());
  const results = await Promise.allSettled(hangs);
  for (const result of results) {
    t.is(result.status, 'rejected');
    t.regex(
      (result as PromiseRejectedResult).reason.message,
      /^\[disconnected\] .*peer said "\[too-many-questions\] peer had us hold more than 5 answers"/,
    );
  }
  const carol = await testVat(t);
  t.is(await E(await carol.fetch<Fixture>(String(bob.ready.control))).echo('ok'), 'ok');
});

test('dialing a vat that is gone fails with a clear error, and retries back off', async t => {
  const bob = await fixtureVat(t);
  const ref = String(bob.ready.control);
  await bob.stop();
  const alice = await testVat(t);
  const messages = [];
  const failedAt: number[] = [];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    messages.push(((await t.throwsAsync(alice.fetch(ref))) as Error).message);
    failedAt.push(performance.now());
  }
  // The waits themselves, not only what the messages say: each dial waited out the one announced before.
  t.true(
    failedAt[1]! - failedAt[0]! >= 250 - 5,
    `the second dial waited 250 ms (${failedAt[1]! - failedAt[0]!})`,
  );
  t.true(
    failedAt[2]! - failedAt[1]! >= 500 - 5,
    `the third dial waited 500 ms (${failedAt[2]! - failedAt[1]!})`,
  );
  const where = `vat ${bob.vatId.slice(0, 8)} at ${bob.address}: ECONNREFUSED`;
  t.deepEqual(
    messages,
    [250, 500, 1000].map(
      ms =>
        `[unreachable] ${where} (the next dial to ${bob.vatId.slice(0, 8)} there waits ${ms} ms)`,
    ),
  );
});
