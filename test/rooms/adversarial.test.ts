// Mallory is a member of the room, in this process, with the presence API's
// relay power (forward), so she can hand peers any envelope she likes. Bob and
// Carol run in their own processes and must drop each bad one for the right
// reason, and never show it.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { GENESIS, PUBLIC, sealEnvelope, type EnvelopeHeader } from '../../presence/index.js';
import { roomVat, testVat, unumMember, type RoomVat } from '../helpers.js';

const setUp = async (t: Parameters<typeof testVat>[0]) => {
  const driver = await testVat(t);
  const [host, bob] = await Promise.all([roomVat(t, driver), roomVat(t, driver)]);
  const { invite, room } = await E(host.control).createRoom('lobby');
  await E(bob.control).join(invite, 'bob');
  const mallory = await unumMember(t, invite, 'mallory');
  await E(bob.control).waitFor('roster', { members: ['bob', 'mallory'] });
  return { driver, host, bob, invite, room, mallory };
};

/** Mallory's next envelope, sealed by hand with whatever fields the attack needs. */
const craft = (
  mallory: Awaited<ReturnType<typeof unumMember>>,
  room: string,
  text: string,
  overrides: Partial<EnvelopeHeader> = {},
  sign = (m: Uint8Array) => mallory.vat.sign(m),
) => {
  const mine = mallory.presence
    .window()
    .filter(k => k.envelope.header.author === mallory.vat.id && k.envelope.stream === PUBLIC);
  const last = mine.at(-1)?.envelope;
  return sealEnvelope(
    {
      room,
      epoch: mallory.replica.snapshot().epoch,
      author: mallory.vat.id,
      seq: (last?.header.seq ?? 0) + 1,
      prev: last?.id ?? GENESIS,
      ts: Date.now(),
      heads: [],
      kind: 'chat',
      ...overrides,
    },
    text,
    sign,
  );
};

const expectDropped = async (bob: RoomVat, reason: string, text: string) => {
  await E(bob.control).waitFor('dropped', { reason });
  const shown = (await E(bob.control).events('message')).map(m => m.text);
  return !shown.includes(text);
};

test('a forged envelope (signed by Mallory, claiming another author) is dropped as bad-signature', async t => {
  const { bob, room, mallory } = await setUp(t);
  const forged = craft(mallory, room, 'I am bob, honest', {
    author: bob.vatId,
    seq: 1,
    prev: GENESIS,
  });
  mallory.presence.forward(bob.vatId, forged.wire);
  t.true(await expectDropped(bob, 'bad-signature', 'I am bob, honest'));
});

test('a replayed envelope is dropped as replay', async t => {
  const { bob, mallory } = await setUp(t);
  const sent = mallory.presence.send('all', 'chat', 'once only');
  await E(bob.control).waitFor('message', { text: 'once only' });
  const wire = mallory.presence.window().find(k => k.envelope.id === sent.id)!.envelope.wire;
  mallory.presence.forward(bob.vatId, wire);
  await E(bob.control).waitFor('dropped', { reason: 'replay' });
  t.is((await E(bob.control).events('message')).filter(m => m.text === 'once only').length, 1);
});

test('an envelope from another room is dropped as wrong-room', async t => {
  const { host, bob, mallory } = await setUp(t);
  const other = await E(host.control).createRoom('back-room');
  mallory.presence.forward(bob.vatId, craft(mallory, other.room, 'meant for the back room').wire);
  t.true(await expectDropped(bob, 'wrong-room', 'meant for the back room'));
});

test('an envelope by a vat outside the roster is dropped as not-in-roster', async t => {
  const { bob, room, mallory } = await setUp(t);
  const stranger = await testVat(t);
  const envelope = craft(
    mallory,
    room,
    'a stranger speaks',
    { author: stranger.id, seq: 1, prev: GENESIS },
    m => stranger.sign(m),
  );
  mallory.presence.forward(bob.vatId, envelope.wire);
  t.true(await expectDropped(bob, 'not-in-roster', 'a stranger speaks'));
});

test('envelopes delivered out of order are held and shown in chain order', async t => {
  const { bob, room, mallory } = await setUp(t);
  const first = craft(mallory, room, 'first');
  const second = sealEnvelope(
    { ...first.header, seq: first.header.seq + 1, prev: first.id, ts: Date.now() },
    'second',
    m => mallory.vat.sign(m),
  );
  mallory.presence.forward(bob.vatId, second.wire);
  mallory.presence.forward(bob.vatId, first.wire);
  await E(bob.control).waitFor('message', { text: 'second' });
  const shown = (await E(bob.control).events('message')).map(m => m.text);
  t.deepEqual(shown.slice(-2), ['first', 'second']);
});

test('an envelope whose content does not match its body hash is dropped as bad-content', async t => {
  const { bob, room, mallory } = await setUp(t);
  const honest = craft(mallory, room, 'the original words');
  mallory.presence.forward(bob.vatId, { ...honest.wire, content: 'edited words' });
  t.true(await expectDropped(bob, 'bad-content', 'edited words'));
});

test('a kicked member is removed everywhere, and her envelopes relayed by another member are refused by all', async t => {
  const { host, bob, invite, room, mallory } = await setUp(t);
  const driver = await testVat(t);
  const carol = await roomVat(t, driver);
  await E(carol.control).join(invite, 'carol');
  const dave = await unumMember(t, invite, 'dave');
  const removed = new Promise(resolve => mallory.replica.on('removed', resolve));
  const lastWords = craft(mallory, room, 'you cannot kick me');
  await E(host.control).kick(mallory.vat.id, 'spam');
  t.like(await removed, { reason: 'kicked: spam' });
  for (const member of [bob, carol])
    await E(member.control).waitFor('roster', { members: ['bob', 'carol', 'dave'] });
  // A member relays her envelope; every presence refuses it.
  for (const member of [bob, carol]) {
    dave.presence.forward(member.vatId, lastWords.wire);
    t.true(await expectDropped(member, 'not-in-roster', 'you cannot kick me'));
  }
});
