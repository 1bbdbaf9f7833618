// Continuity: a gap is filled from any peer that has it, and an author who
// signs two different envelopes for one place in its chain is caught.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { GENESIS, sealEnvelope, type Envelope } from '../../presence/index.js';
import { roomVat, testVat, unumMember } from '../helpers.js';

const setUp = async (t: Parameters<typeof testVat>[0], bobLimits: Record<string, number> = {}) => {
  const driver = await testVat(t);
  const [host, bob, carol] = await Promise.all([
    roomVat(t, driver),
    roomVat(t, driver),
    roomVat(t, driver),
  ]);
  const { invite, room } = await E(host.control).createRoom('lobby');
  await E(bob.control).join(invite, 'bob', bobLimits);
  await E(carol.control).join(invite, 'carol');
  // Dave seals by hand, so his own window never holds these: only peers can fill a gap.
  const dave = await unumMember(t, invite, 'dave');
  const seal = (seq: number, prev: string, text: string) =>
    sealEnvelope(
      {
        room,
        epoch: dave.replica.snapshot().epoch,
        author: dave.vat.id,
        seq,
        prev,
        ts: Date.now(),
        heads: [],
        kind: 'chat',
      },
      text,
      m => dave.vat.sign(m),
    );
  return { bob, carol, dave, seal };
};

test('a gap is filled from another peer that has the missing envelope', async t => {
  const { bob, carol, dave, seal } = await setUp(t);
  const one = seal(1, GENESIS, 'one');
  const two = seal(2, one.id, 'two');
  const three = seal(3, two.id, 'three');
  for (const e of [one, two, three]) dave.presence.forward(carol.vatId, e.wire);
  await E(carol.control).waitFor('message', { text: 'three' });
  // Bob never gets "two" from Dave, and Dave cannot supply it: Carol does.
  dave.presence.forward(bob.vatId, one.wire);
  dave.presence.forward(bob.vatId, three.wire);
  await E(bob.control).waitFor('message', { text: 'three' });
  const shown = (await E(bob.control).events('message'))
    .filter(m => m.from === dave.vat.id)
    .map(m => m.text);
  t.deepEqual(shown, ['one', 'two', 'three']);
  t.deepEqual(await E(bob.control).events('gap'), [], 'nothing was skipped');
});

test('two different envelopes for one place in a chain are caught as equivocation', async t => {
  const { bob, dave, seal } = await setUp(t);
  const one = seal(1, GENESIS, 'one');
  const twoA: Envelope = seal(2, one.id, 'I said yes');
  const twoB: Envelope = seal(2, one.id, 'I said no');
  dave.presence.forward(bob.vatId, one.wire);
  dave.presence.forward(bob.vatId, twoA.wire);
  await E(bob.control).waitFor('message', { text: 'I said yes' });
  dave.presence.forward(bob.vatId, twoB.wire);
  t.like(await E(bob.control).waitFor('equivocation', { author: dave.vat.id }), {
    seq: 2,
    count: 2,
  });
  const shown = (await E(bob.control).events('message')).map(m => m.text);
  t.false(shown.includes('I said no'), 'the second version is kept as evidence, not shown');
});

test('a gap nobody can fill is reported, and the stream moves on', async t => {
  const { bob, dave, seal } = await setUp(t);
  const one = seal(1, GENESIS, 'one');
  const two = seal(2, one.id, 'two');
  const three = seal(3, two.id, 'three');
  dave.presence.forward(bob.vatId, one.wire);
  dave.presence.forward(bob.vatId, three.wire);
  t.like(await E(bob.control).waitFor('gap', { author: dave.vat.id }), { fromSeq: 2, toSeq: 2 });
  await E(bob.control).waitFor('message', { text: 'three' });
});

test('a gap whose end a peer keeps but whose start none does is passed at once, not after holdMs', async t => {
  // Bob would hold for ten minutes: only moving on at once passes within the test's time.
  const { bob, carol, dave, seal } = await setUp(t, { holdMs: 600_000 });
  const one = seal(1, GENESIS, 'one');
  const two = seal(2, one.id, 'two');
  const three = seal(3, two.id, 'three');
  const four = seal(4, three.id, 'four');
  // Carol keeps "three" but never had "two" (windows are bounded; here it never came).
  dave.presence.forward(carol.vatId, one.wire);
  dave.presence.forward(carol.vatId, three.wire);
  await E(carol.control).waitFor('message', { text: 'three' });
  dave.presence.forward(bob.vatId, one.wire);
  dave.presence.forward(bob.vatId, four.wire);
  t.like(await E(bob.control).waitFor('gap', { author: dave.vat.id }), { fromSeq: 2, toSeq: 2 });
  await E(bob.control).waitFor('message', { text: 'four' });
  const shown = (await E(bob.control).events('message'))
    .filter(m => m.from === dave.vat.id)
    .map(m => m.text);
  t.deepEqual(
    shown,
    ['one', 'three', 'four'],
    'what Carol kept was filled in; only "two" was skipped',
  );
});
