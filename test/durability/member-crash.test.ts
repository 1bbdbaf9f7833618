// A member killed in the middle of sending (SIGKILL) comes back on the same
// data directory: its chain goes on from the last line it sealed, so no peer
// sees two lines at one place (equivocation), and what it saw before the
// crash is shown again from its window. Every vat is its own process.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { roomVat, tempDir, testVat } from '../helpers.js';

test('a member killed mid-send continues its chain without equivocating, and keeps its window', async t => {
  const driver = await testVat(t);
  const aliceDir = tempDir(t);
  const [host, alice, bob] = await Promise.all([
    roomVat(t, driver),
    roomVat(t, driver, { dataDir: aliceDir }),
    roomVat(t, driver),
  ]);
  const { invite } = await E(host.control).createRoom('lobby');
  await E(alice.control).join(invite, 'alice');
  await E(bob.control).join(invite, 'bob');
  await E(bob.control).say('bob was here');
  await E(alice.control).waitFor('message', { text: 'bob was here' });

  const sending = E(alice.control).sayMany('before', 200);
  sending.catch(() => {}); // it dies with alice
  await E(bob.control).waitFor('message', { text: 'before 20' });
  await alice.proc.kill();

  const aliceAgain = await roomVat(t, driver, { dataDir: aliceDir, listen: alice.address });
  await E(aliceAgain.control).join(invite, 'alice');
  await E(aliceAgain.control).say('after the crash');
  await E(bob.control).waitFor('message', { text: 'after the crash' }, 20_000);
  t.deepEqual(await E(bob.control).events('equivocation'), [], 'bob saw no two lines at one place');
  const fromAlice = (await E(bob.control).events('message')).filter(m => m.from === alice.vatId);
  const seqs = fromAlice.map(m => Number(m.seq));
  t.deepEqual(
    seqs,
    seqs.map((_, i) => seqs[0]! + i),
    "alice's lines reached bob in one unbroken chain",
  );
  t.is(fromAlice.at(-1)!.text, 'after the crash');
  const shown = await E(aliceAgain.control).messageTexts(40);
  t.true(
    shown.includes('bob was here'),
    'alice is shown what she saw before the crash, from her window',
  );
});
