// onPeerBroken returns a function that stops watching: sessions live long, and
// every link re-made or member re-attached used to leave its watcher behind in
// the session for good (npm run soak saw member heaps grow with churn). Units:
// two vats in this process.
import test from '@endo/ses-ava/prepare-endo.js';
import { Far } from '@endo/far';
import { testVat } from '../helpers.js';

test('a watcher that stopped watching is not called when the session ends; the others are', async t => {
  const [alice, bob] = await Promise.all([testVat(t), testVat(t)]);
  await alice.fetch(bob.export(Far('Thing', { ping: () => 'pong' })));
  const called: string[] = [];
  const stop = alice.onPeerBroken(bob.id, () => called.push('stopped one'));
  const ended = new Promise<void>(resolve =>
    alice.onPeerBroken(bob.id, () => {
      called.push('kept one');
      resolve();
    }),
  );
  stop();
  await bob.close();
  await ended;
  t.deepEqual(called, ['kept one']);
});
