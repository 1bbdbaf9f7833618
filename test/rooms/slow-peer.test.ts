// Backpressure: a stalled member does not delay the others, costs the sender a
// bounded queue, and catches up from windows when it returns.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { roomVat, testVat } from '../helpers.js';

test('a stalled peer does not delay the others, and catches up when it returns', async t => {
  const driver = await testVat(t);
  const [host, alice, bob, carol] = await Promise.all([0, 1, 2, 3].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  await E(alice.control).join(invite, 'alice', {
    maxQueuePerPeer: 8,
    maxBatch: 4,
    maxInFlightPerPeer: 1,
  });
  await E(bob.control).join(invite, 'bob');
  await E(carol.control).join(invite, 'carol');

  carol.proc.child.kill('SIGSTOP');
  t.teardown(() => carol.proc.child.kill('SIGCONT'));
  await E(alice.control).sayMany('line', 40);
  await E(bob.control).waitFor('message', { text: 'line 39' });
  t.is(
    (await E(bob.control).events('message')).filter(m => String(m.text).startsWith('line')).length,
    40,
    'bob got every line while carol was stalled',
  );

  const toCarol = (await E(alice.control).presenceStats()).peers.find(p => p.peer === carol.vatId)!;
  t.true(toCarol.queued <= 8, `alice queues at most 8 envelopes for carol (had ${toCarol.queued})`);
  t.true(toCarol.droppedForBackpressure > 0, 'the rest were dropped, to be caught up from windows');

  carol.proc.child.kill('SIGCONT');
  await E(carol.control).waitFor('message', { text: 'line 39' }, 20_000);
  const carolGot = (await E(carol.control).events('message'))
    .filter(m => String(m.text).startsWith('line'))
    .map(m => m.text);
  t.deepEqual(
    carolGot,
    Array.from({ length: 40 }, (_, i) => `line ${i}`),
    'carol caught up, in order, from the windows',
  );
});
