// A peer's answers to heads(), history() and recent() are peer data: a reply of
// the wrong shape is refused whole and counted as a `bad-reply` drop, and the
// presence goes on. Mallory's inbox is an object of her own in her vat (in
// this process), reached over a real session, so each test can make it answer
// anything.
import test from '@endo/ses-ava/prepare-endo.js';
import { Far } from '@endo/far';
import {
  GENESIS,
  makePresence,
  type Dropped,
  type PeerInbox,
  type RosterView,
} from '../../presence/index.js';
import { nextEvent, testVat } from '../helpers.js';

const setUp = async (t: Parameters<typeof testVat>[0]) => {
  const [vat, other] = await Promise.all([testVat(t), testVat(t)]);
  const mallory = other.id;
  /** Hands Mallory's object to our vat the way an introduction does: a gift over a session. */
  const fromMallory = (inbox: PeerInbox) => vat.redeem<PeerInbox>(other.giftFor(inbox, vat.id));
  const roster: RosterView = harden({
    room: 'r1',
    epoch: () => 1,
    isMember: (id: string) => id === vat.id || id === mallory,
    joinedAt: () => 1,
    isMuted: () => false,
  });
  const presence = makePresence({ vat, roster });
  t.teardown(() => presence.close());
  const refused = () =>
    nextEvent<Dropped>(
      l => presence.on('dropped', l),
      d => d.reason === 'bad-reply',
    );
  return { presence, mallory, refused, fromMallory };
};

const genesis = harden({ seq: 0, id: GENESIS });
const inbox = (answers: Record<string, (...args: never[]) => unknown>) =>
  Far('MalloryInbox', {
    deliver: () => undefined,
    heads: () => harden({ public: genesis, direct: genesis, delivered: 0 }),
    history: () => harden([]),
    recent: () => harden([]),
    position: () => undefined,
    ...answers,
  }) as unknown as PeerInbox;

const badHeads: Array<[string, unknown]> = [
  ['a string', 'heads'],
  ['a negative seq', { public: { seq: -1, id: GENESIS }, direct: genesis, delivered: 0 }],
  ['a fractional seq', { public: { seq: 1.5, id: 'a'.repeat(64) }, direct: genesis, delivered: 0 }],
  ['an id that is not a hash', { public: { seq: 3, id: 'x' }, direct: genesis, delivered: 0 }],
  [
    'seq 0 with an id other than genesis',
    { public: { seq: 0, id: 'b'.repeat(64) }, direct: genesis, delivered: 0 },
  ],
  ['an extra field', { public: genesis, direct: genesis, delivered: 0, evil: 1 }],
  ['no delivery count', { public: genesis, direct: genesis }],
  ['a negative delivery count', { public: genesis, direct: genesis, delivered: -1 }],
  ['a fractional delivery count', { public: genesis, direct: genesis, delivered: 0.5 }],
];
for (const [what, reply] of badHeads) {
  test(`a heads() reply with ${what} is refused as bad-reply and the link is not made`, async t => {
    const { presence, mallory, refused, fromMallory } = await setUp(t);
    const dropped = refused();
    await t.throwsAsync(
      presence.link(mallory, await fromMallory(inbox({ heads: () => harden(reply) }))),
      {
        message: /^\[bad-reply\]/,
      },
    );
    t.like(await dropped, { reason: 'bad-reply', from: mallory });
    t.deepEqual(presence.linked(), []);
    t.is(presence.stats().dropped['bad-reply'], 1);
  });
}

const badLists: Array<[string, unknown]> = [
  ['a string (it would be read a character at a time)', 'x'.repeat(100)],
  ['a record with a length', { length: 3 }],
  ['more than 256 envelopes', Array.from({ length: 257 }, () => ({ header: '{}', sig: 's' }))],
  ['an envelope with an extra field', [{ header: '{}', sig: 's', evil: 1 }]],
];
for (const [what, reply] of badLists) {
  test(`a history() reply that is ${what} is refused as bad-reply`, async t => {
    const { presence, mallory, refused, fromMallory } = await setUp(t);
    // Linked at genesis, then her heads say 3: the presence asks her for 1..3.
    let head = genesis;
    const malloryInbox = await fromMallory(
      inbox({
        heads: () => harden({ public: head, direct: genesis, delivered: 0 }),
        history: () => harden(reply),
      }),
    );
    await presence.link(mallory, malloryInbox);
    head = harden({ seq: 3, id: 'c'.repeat(64) });
    const dropped = refused();
    await presence.link(mallory, malloryInbox);
    t.like(await dropped, { reason: 'bad-reply', from: mallory });
    t.regex((await dropped).detail ?? '', /history reply is not a list/);
  });

  test(`a recent() reply that is ${what} is refused as bad-reply`, async t => {
    const { presence, mallory, refused, fromMallory } = await setUp(t);
    await presence.link(mallory, await fromMallory(inbox({ recent: () => harden(reply) })));
    const dropped = refused();
    await presence.fetchHistory();
    t.like(await dropped, {
      reason: 'bad-reply',
      from: mallory,
      detail: 'recent reply is not a list of at most 256 envelopes',
    });
    t.is(presence.window().length, 0);
  });
}
