// A member's vat stopped for 30 s (SIGSTOP: a laptop lid closed, a debugger)
// misses nothing once it runs again: the lines said meanwhile reach it, in
// order, and it is still a member. Every vat is its own process.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { roomVat, testVat, type Control } from '../helpers.js';

const STOPPED_MS = 30_000;

test('a member stopped for 30 s gets every line said meanwhile and stays in the room', async t => {
  t.timeout(120_000, 'a 30 s stop, then catching up');
  const driver = await testVat(t);
  const [host, alice, bob] = await Promise.all([0, 1, 2].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  await E(alice.control).join(invite, 'alice');
  await E(bob.control).join(invite, 'bob');
  bob.proc.child.kill('SIGSTOP');
  t.teardown(() => bob.proc.child.kill('SIGCONT'));
  const said: string[] = [];
  const stoppedUntil = Date.now() + STOPPED_MS;
  for (let i = 0; Date.now() < stoppedUntil; i += 1) {
    const text = `while stopped ${i}`;
    await E(alice.control).say(text);
    said.push(text);
    // The stop is the scenario: lines are spread over it.
    await new Promise(resolve => setTimeout(resolve, 1_000));
  }
  bob.proc.child.kill('SIGCONT');
  // The driver's own session to bob may have ended meanwhile (30 s of silence): fetch his control again.
  const control = await driver.fetch<Control>(String(bob.proc.ready.control));
  await E(control).waitFor('message', { text: said.at(-1) }, 60_000);
  const shown = (await E(control).events('message'))
    .map(m => String(m.text))
    .filter(text => text.startsWith('while stopped'));
  t.deepEqual(shown, said, 'every line, in order');
  t.true((await E(host.control).hostedRoster()).includes('bob'), 'bob is still a member');
});
