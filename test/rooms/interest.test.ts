// Interest management: in a spatial unum a message fans only to the peers in
// the sender's aura (radius, then the nearest maxInAura).
import test from '@endo/ses-ava/prepare-endo.js';
import { selectInAura, type Delivery } from '../../presence/index.js';
import { defineUnum, hostUnum, joinUnum } from '../../unum/index.js';
import { nextEvent, testVat } from '../helpers.js';

test('the aura selects peers within the radius, nearest first, at most maxInAura', t => {
  const positions = new Map([
    ['b', { x: 1, y: 0 }],
    ['c', { x: 0, y: 3 }],
    ['d', { x: 2, y: 2 }],
    ['e', { x: 50, y: 50 }],
  ]);
  const peers = ['b', 'c', 'd', 'e', 'unplaced'];
  t.deepEqual(selectInAura({ x: 0, y: 0 }, peers, positions, { radius: 10, maxInAura: 2 }), [
    'b',
    'd',
  ]);
  t.deepEqual(selectInAura({ x: 0, y: 0 }, peers, positions, { radius: 2.5, maxInAura: 9 }), ['b']);
  t.deepEqual(
    selectInAura(undefined, peers, positions, { radius: 99, maxInAura: 9 }),
    [],
    'nowhere: nobody hears',
  );
  t.deepEqual(
    selectInAura({ x: 0, y: 0 }, peers, positions, { radius: 2.5, maxInAura: 9, margin: 0.4 }),
    ['b', 'd'],
    'the margin reaches d (2.83 away), not c (3)',
  );
});

test('an aura that is not numbers in range is refused when the unum is defined', t => {
  for (const aura of [
    { radius: Number.NaN, maxInAura: 4 },
    { radius: -1, maxInAura: 4 },
    { radius: 10, maxInAura: 0 },
    { radius: 10, maxInAura: 2.5 },
    { radius: 10, maxInAura: 4, margin: -1 },
  ])
    t.throws(() => defineUnum({ type: 'plaza', initialState: {}, kinds: [], aura }), {
      message: /^\[bad-aura\] an aura is \{ radius, maxInAura, margin\? \}/,
    });
});

const plaza = defineUnum<Record<string, never>>({
  type: 'plaza',
  initialState: {},
  kinds: ['chat'],
  aura: { radius: 10, maxInAura: 2 },
});

test('in a spatial room a line reaches only the nearest peers in the aura', async t => {
  const vats = await Promise.all([0, 1, 2, 3, 4].map(() => testVat(t)));
  const hosted = await hostUnum(vats[0]!, plaza, { name: 'plaza' });
  const [ann, ben, cat, dan] = await Promise.all(
    ['ann', 'ben', 'cat', 'dan'].map(async (name, i) =>
      joinUnum(vats[i + 1]!, plaza, hosted.invite, { name }),
    ),
  );
  t.teardown(() => {
    for (const m of [ann, ben, cat, dan]) m!.close();
  });
  const places = [
    [ann, 0, 0],
    [ben, 1, 0],
    [cat, 3, 3],
    [dan, 4, 0],
  ] as const;
  const annKnowsAll = Promise.all(
    [ben, cat, dan].map(m =>
      nextEvent<{ peer: string }>(
        l => ann!.presence.on('position', l),
        p => p.peer === m!.self,
      ),
    ),
  );
  for (const [member, x, y] of places) member!.presence.move({ x, y });
  await annKnowsAll;
  const heard = (member: typeof ann) =>
    nextEvent<Delivery>(
      l => member!.presence.on('message', l),
      d => d.envelope.wire.content === 'psst, neighbours',
    );
  const [benHeard, danHeard] = [heard(ben), heard(dan)];
  const sent = ann!.presence.send('others', 'chat', 'psst, neighbours');
  t.deepEqual(
    [...sent.to].sort(),
    [ben!.self, dan!.self].sort(),
    'ben (1 away) and dan (4 away), not cat (4.2 away)',
  );
  await Promise.all([benHeard, danHeard]);
  t.false(cat!.presence.window().some(k => k.envelope.id === sent.id));
});
