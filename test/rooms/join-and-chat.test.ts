// Rooms across processes: joining, roster epochs, chat fanned peer to peer with
// the host silent, whispers.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { roomVat, testVat, joinInOrder } from '../helpers.js';

test('members join in order, the roster epoch counts the joins, and existing members hear first', async t => {
  const driver = await testVat(t);
  const [host, alice, bob, carol] = await Promise.all([0, 1, 2, 3].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  t.deepEqual((await E(alice.control).join(invite, 'alice')).roster, ['alice']);
  t.deepEqual((await E(bob.control).join(invite, 'bob')).roster, ['alice', 'bob']);
  // Bob's join has returned, so Alice has already been told.
  t.like((await E(alice.control).events('roster')).at(-1), { epoch: 2, members: ['alice', 'bob'] });
  t.deepEqual((await E(carol.control).join(invite, 'carol')).roster, ['alice', 'bob', 'carol']);
  for (const member of [alice, bob]) {
    t.like((await E(member.control).events('roster')).at(-1), {
      epoch: 3,
      members: ['alice', 'bob', 'carol'],
    });
  }
  t.deepEqual(await E(host.control).hostedRoster(), ['alice', 'bob', 'carol']);
});

test('chat reaches every member directly, and the host sends zero bytes of chat', async t => {
  const driver = await testVat(t);
  const [host, alice, bob, carol] = await Promise.all([0, 1, 2, 3].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  await joinInOrder(invite, [
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
  ]);
  const hostBytesToMembers = async () => {
    const sent = await E(host.control).bytesSent();
    return [alice, bob, carol].reduce((sum, m) => sum + (sent[m.vatId] ?? 0), 0);
  };
  const before = await hostBytesToMembers();
  const lines = [
    [carol, 'carol: hello all'],
    [alice, 'alice: hi carol'],
    [bob, 'bob: hey'],
  ] as const;
  for (const [speaker, text] of lines) {
    const sent = await E(speaker.control).say(text);
    t.is(sent.to.length, 2, 'handed to both other members');
  }
  for (const member of [alice, bob, carol]) {
    for (const [, text] of lines) await E(member.control).waitFor('message', { text });
  }
  t.is(
    await hostBytesToMembers(),
    before,
    'the host wrote nothing to any member while they chatted',
  );
});

test('a whisper reaches its one recipient and nobody else', async t => {
  const driver = await testVat(t);
  const [host, alice, bob, carol] = await Promise.all([0, 1, 2, 3].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  await joinInOrder(invite, [
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
  ]);
  const whisper = await E(carol.control).whisper(bob.vatId, 'psst, bob');
  t.deepEqual(whisper.to, [bob.vatId]);
  t.like(await E(bob.control).waitFor('message', { text: 'psst, bob' }), {
    whisper: true,
    name: 'carol',
  });
  await E(carol.control).say('and now to everyone');
  await E(alice.control).waitFor('message', { text: 'and now to everyone' });
  const aliceHeard = (await E(alice.control).events('message')).map(m => m.text);
  t.false(aliceHeard.includes('psst, bob'));
});
