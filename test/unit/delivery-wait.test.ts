// What a presence does with a delivery form that names something it does not
// hold yet (docs/protocol.md §5.14): it waits for that envelope and takes the
// form once it comes; after holdMs it asks the sender for the whole envelope;
// if the sender cannot hand it over, it drops the form as `unresolved`; a
// form whose stream is further back than its prev asks for the gap at once. The
// sender and the head's author are vats of this process whose inboxes each
// test controls, reached over real sessions.
import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far } from '@endo/far';
import type { Vat } from '../../vat/index.js';
import { deliveryItem } from '../../presence/delivery-form.js';
import {
  type Delivery,
  type Dropped,
  type Envelope,
  GENESIS,
  makePresence,
  type PeerInbox,
  PUBLIC,
  type RosterView,
  sealEnvelope,
  type WireEnvelope,
} from '../../presence/index.js';
import { nextEvent, testVat } from '../helpers.js';

const genesis = harden({ seq: 0, id: GENESIS });

const setUp = async (
  t: Parameters<typeof testVat>[0],
  history: () => WireEnvelope[],
  { holdMs = 300 } = {},
) => {
  const [vat, alice, bob] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const members = new Set([vat.id, alice.id, bob.id]);
  const roster: RosterView = harden({
    room: 'r1',
    epoch: () => 1,
    isMember: (id: string) => members.has(id),
    joinedAt: () => 1,
    isMuted: () => false,
  });
  const presence = makePresence({ vat, roster, limits: { holdMs } });
  t.teardown(() => presence.close());
  const asked: Array<[string, string, number, number]> = [];
  const inboxOf = (peer: Vat) =>
    vat.redeem<PeerInbox>(
      peer.giftFor(
        Far('PeerInbox', {
          deliver: () => undefined,
          heads: () => harden({ public: genesis, direct: genesis, delivered: 0 }),
          history: (author: string, stream: string, from: number, to: number) => {
            asked.push([author, stream, from, to]);
            return harden(history());
          },
          recent: () => harden([]),
          live: () => undefined,
        }) as unknown as PeerInbox,
        vat.id,
      ),
    );
  await presence.link(alice.id, await inboxOf(alice));
  await presence.link(bob.id, await inboxOf(bob));
  /** `from`'s handle on our presence's inbox for it, over its session. */
  const ourInbox = (from: Vat) => from.redeem<PeerInbox>(presence.inboxGiftFor(from.id, 60_000));
  const line = (author: Vat, text: string, heads: Envelope[] = []): Envelope =>
    sealEnvelope(
      {
        room: 'r1',
        epoch: 1,
        author: author.id,
        seq: 1,
        prev: GENESIS,
        ts: Date.now(),
        heads: heads.map(h => [h.header.author, h.header.seq, h.id]),
        kind: 'chat',
      },
      text,
      m => author.sign(m),
    );
  const shown = (text: string) =>
    nextEvent<Delivery>(
      l => presence.on('message', l),
      d => d.envelope.wire.content === text,
    );
  return { presence, alice, bob, ourInbox, line, shown, asked };
};

test('a form naming a line not yet here waits for it, then is taken without asking', async t => {
  let aliceLine: Envelope | undefined;
  const { presence, alice, bob, ourInbox, line, shown, asked } = await setUp(t, () => [
    aliceLine!.wire,
  ]);
  const bobLine = line(bob, 'first, from bob');
  aliceLine = line(alice, 'after bob', [bobLine]);
  const aliceShown = shown('after bob');
  await E(await ourInbox(alice)).deliver([deliveryItem(aliceLine)!], 0);
  const fromBob = await ourInbox(bob);
  await E(fromBob).heads(); // calls run in order: alice's delivery has been taken
  t.is(presence.window().length, 0, 'not taken before what it names');
  await E(fromBob).deliver([deliveryItem(bobLine)!], 0);
  t.is((await aliceShown).envelope.id, aliceLine.id);
  t.is(presence.stats().askedWhole, 0);
  t.deepEqual(asked, []);
});

test('after holdMs the sender is asked for the whole envelope', async t => {
  let aliceLine: Envelope | undefined;
  const { presence, alice, bob, ourInbox, line, shown, asked } = await setUp(t, () => [
    aliceLine!.wire,
  ]);
  aliceLine = line(alice, 'names a line bob never sent us', [line(bob, 'lost')]);
  const aliceShown = shown('names a line bob never sent us');
  await E(await ourInbox(alice)).deliver([deliveryItem(aliceLine)!], 0);
  t.is((await aliceShown).envelope.id, aliceLine.id);
  t.is(presence.stats().askedWhole, 1);
  t.deepEqual(asked, [[alice.id, PUBLIC, 1, 1]]);
});

test('a form its sender cannot hand over whole is dropped as unresolved', async t => {
  const { presence, alice, bob, ourInbox, line } = await setUp(t, () => []);
  const dropped = nextEvent<Dropped>(
    l => presence.on('dropped', l),
    d => d.reason === 'unresolved',
  );
  await E(await ourInbox(alice)).deliver(
    [deliveryItem(line(alice, 'orphan', [line(bob, 'never seen')]))!],
    0,
  );
  t.like(await dropped, { reason: 'unresolved', from: alice.id, author: alice.id, seq: 1 });
  t.regex(
    (await dropped).detail ?? '',
    /head 1 names nothing this vat holds, and its sender no longer holds it/,
  );
  t.is(presence.stats().dropped.unresolved, 1);
  t.is(presence.window().length, 0);
});

test('a form whose prev is missing and whose stream is further back asks for the gap at once', async t => {
  const chain: Envelope[] = [];
  // A hold far longer than the test may take: only an immediate ask fills it in time.
  const { presence, alice, ourInbox, shown, asked } = await setUp(
    t,
    () => chain.slice(0, 2).map(e => e.wire),
    { holdMs: 60_000 },
  );
  for (const [i, text] of ['one', 'two', 'three'].entries()) {
    chain.push(
      sealEnvelope(
        {
          room: 'r1',
          epoch: 1,
          author: alice.id,
          seq: i + 1,
          prev: chain.at(-1)?.id ?? GENESIS,
          ts: Date.now(),
          heads: [],
          kind: 'chat',
        },
        text,
        m => alice.sign(m),
      ),
    );
  }
  const third = shown('three');
  // Lines one and two were dropped on the way (backpressure); three comes alone.
  await E(await ourInbox(alice)).deliver([deliveryItem(chain[2]!)!], 0);
  t.is((await third).envelope.id, chain[2]!.id);
  t.deepEqual(asked, [[alice.id, PUBLIC, 1, 2]], 'the gap, not the form whole');
  t.is(presence.stats().askedWhole, 0);
  t.deepEqual(
    presence.window().map(k => k.envelope.header.seq),
    [1, 2, 3],
  );
});
