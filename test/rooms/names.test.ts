// Names reach everyone's screen: the host keeps them NFKC-normalised and
// refuses one that looks like a member's (TR39 skeletons), and a joiner's own
// vat refuses invisible or control characters before it calls the host. Each
// vat runs in its own process.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { roomVat, testVat } from '../helpers.js';

test('look-alike and hidden-character names are refused; full-width ones are normalised', async t => {
  const driver = await testVat(t);
  const [host, alice, mallory, bob] = await Promise.all([0, 1, 2, 3].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  await E(alice.control).join(invite, 'alice');
  await t.throwsAsync(E(mallory.control).join(invite, 'аlice'), {
    message:
      /^\[name-taken\] join refused by room "lobby": "аlice" looks like the name of a member already in it/,
  });
  await t.throwsAsync(E(mallory.control).join(invite, 'Alice'), { message: /^\[name-taken\]/ });
  await t.throwsAsync(E(mallory.control).join(invite, 'alice\u200b'), {
    message: /^\[bad-name\] .* U\+200B/,
  });
  await t.throwsAsync(E(mallory.control).join(invite, '\u202emallory'), { message: /U\+202E/ });
  await E(bob.control).join(invite, 'ｂｏｂ');
  t.deepEqual(await E(host.control).hostedRoster(), ['alice', 'bob']);
  t.deepEqual(await E(alice.control).waitFor('roster', { members: ['alice', 'bob'] }), {
    type: 'roster',
    epoch: 2,
    members: ['alice', 'bob'],
  });
});

test('a vat already in the room cannot join again under another name; under its own it may', async t => {
  const driver = await testVat(t);
  const [host, erin] = await Promise.all([0, 1].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  await E(erin.control).join(invite, 'erin');
  await t.throwsAsync(E(erin.control).join(invite, 'dave'), {
    message: `[already-member] vat ${erin.vatId.slice(0, 8)} is already in "lobby" as "erin"; to join as "dave", leave first`,
  });
  t.deepEqual(await E(host.control).hostedRoster(), ['erin'], 'not renamed');
  await E(erin.control).join(invite, 'erin');
  t.deepEqual(await E(host.control).hostedRoster(), ['erin']);
});
