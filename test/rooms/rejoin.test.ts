// A member who leaves and joins again from the same vat keeps its window (and
// the chain heads in it). Lines that name, as a head, something it saw in its
// earlier membership must show at once. Before, the new presence counted
// nothing as shown, so each such line waited holdMs (the soak's 5 s p99).
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { joinInOrder, roomVat, testVat } from '../helpers.js';

test('a member who joins again sees at once a line naming what it saw before it left', async t => {
  const driver = await testVat(t);
  const [host, bob, carol, dave] = await Promise.all([0, 1, 2, 3].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  await joinInOrder(invite, [
    [bob, 'bob'],
    [carol, 'carol'],
    [dave, 'dave'],
  ]);
  await E(carol.control).say('c1');
  await E(dave.control).waitFor('message', { text: 'c1' });
  await E(dave.control).say('d1'); // names carol's c1
  await Promise.all([carol, bob].map(v => E(v.control).waitFor('message', { text: 'd1' })));
  await E(bob.control).leave();
  // Bob would hold a line for ten minutes: only showing it at once passes.
  await E(bob.control).join(invite, 'bob', { holdMs: 600_000 });
  await E(carol.control).waitFor('roster', { members: ['bob', 'carol', 'dave'] });
  await E(carol.control).say('c2'); // names dave's d1, which bob saw before he left
  t.like(await E(bob.control).waitFor('message', { text: 'c2' }), { history: false });
});
