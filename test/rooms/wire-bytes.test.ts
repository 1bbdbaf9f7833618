// Lines that grow when escaped still all arrive. A line of 4,000 quotes takes
// about 16 KB in a CapTP frame (JSON-escaped twice), so 64 of them are over the
// 1 MiB frame limit: batches, history replies and recent replies are cut by
// encoded bytes. Before, each peer got 4 lines of 300 and the sender was told
// nothing. Every vat is its own process.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { roomVat, testVat } from '../helpers.js';

const QUOTES = '"'.repeat(3990);
const COUNT = 300;

test('300 lines of 4,000 quotes reach every peer, live and through gap fill', async t => {
  const driver = await testVat(t);
  const [host, alice, bob, carol] = await Promise.all([0, 1, 2, 3].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  // A short queue for stalled peers: carol then catches up through history replies.
  await E(alice.control).join(invite, 'alice', { maxQueuePerPeer: 8 });
  await E(bob.control).join(invite, 'bob');
  await E(carol.control).join(invite, 'carol');

  carol.proc.child.kill('SIGSTOP');
  t.teardown(() => carol.proc.child.kill('SIGCONT'));
  await E(alice.control).sayMany(QUOTES, COUNT);
  const expected = Array.from({ length: COUNT }, (_, i) => `${QUOTES} ${i}`);
  const tails = expected.map(text => text.slice(-8));
  const texts = (who: typeof bob) => E(who.control).messageTexts(8);

  await E(bob.control).waitFor('message', { text: expected.at(-1) }, 60_000);
  // Alice's short queue to bob overflowed too: he filled those from her window.
  t.is((await E(bob.control).presenceStats()).gaps, 0, 'bob gave up on no gap');
  t.deepEqual(await texts(bob), tails, 'bob got every line, in order');

  carol.proc.child.kill('SIGCONT');
  await E(carol.control).waitFor('message', { text: expected.at(-1) }, 60_000);
  t.deepEqual(await texts(carol), tails, 'carol caught up on every line from the window');
  // Bob acknowledges within ackDelayMs; carol may catch up sooner.
  await E(alice.control).flushPresence();
  const toBob = (await E(alice.control).presenceStats()).peers.find(p => p.peer === bob.vatId)!;
  t.is(toBob.undelivered, 0, 'no delivery to bob failed');
  t.is(
    toBob.sent + toBob.droppedForBackpressure,
    COUNT,
    'what bob acknowledged plus what he filled',
  );
});
