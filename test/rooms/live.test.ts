// Live state: positions and named live values go peer to peer, unsigned and
// coalesced to the newest; a peer linked later is told everything; in a
// spatial room peers outside the aura are told at a lower rate; a peer's
// inbox refuses more than it may carry.
import test from '@endo/ses-ava/prepare-endo.js';
import { Far } from '@endo/far';
import { makeLiveFan, makePeerInboxKit, MAX_LIVE_KEYS } from '../../presence/index.js';
import { defineUnum, hostUnum, joinUnum } from '../../unum/index.js';
import { nextEvent, testVat } from '../helpers.js';

/** A peer that records what it is told; E.sendOnly on a local object still goes a turn later. */
const recorder = () => {
  const calls: string[] = [];
  const inbox = Far('recording inbox', {
    live: (position: [number, number] | null, items: Array<[string, string]>) =>
      void calls.push(
        [position ? `at ${position.join(',')}` : '', ...items.map(([k, v]) => `${k}=${v}`)]
          .filter(Boolean)
          .join(' '),
      ),
  });
  return { calls, view: { inbox: inbox as never, idle: () => true } };
};
const turn = () => new Promise(resolve => setImmediate(resolve));

test('live values are coalesced to the newest, and a peer is told only what changed', async t => {
  const fan = makeLiveFan({
    aura: undefined,
    nearIntervalMs: 100,
    farIntervalMs: 1000,
    positions: new Map(),
  });
  const ann = recorder();
  fan.set('hold', '3');
  fan.set('hold', '4');
  fan.move({ x: 1, y: 2 });
  fan.tick(new Map([['ann', ann.view]]), 0);
  fan.set('cursor', 'hand');
  fan.tick(new Map([['ann', ann.view]]), 50); // too soon after the last: it waits
  fan.set('cursor', 'pointer');
  fan.tick(new Map([['ann', ann.view]]), 100);
  fan.tick(new Map([['ann', ann.view]]), 300); // nothing new: nothing sent
  await turn();
  t.deepEqual(ann.calls, ['at 1,2 hold=4', 'cursor=pointer'], 'one call per update');
  t.throws(() => fan.set('Bad Key', 'x'), { message: /^\[bad-live\]/ });
  t.throws(() => fan.set('k', 'x'.repeat(257)), { message: /^\[bad-live\]/ });
});

test('updates at about the period go at once, and faster ones at most one per period on average', async t => {
  const fanWith = () =>
    makeLiveFan({
      aura: undefined,
      nearIntervalMs: 100,
      farIntervalMs: 1000,
      positions: new Map(),
    });
  const steady = fanWith();
  const ann = recorder();
  // Each update a millisecond sooner than a period after the last, like a timer that fires early.
  for (let i = 0; i < 10; i += 1) {
    steady.move({ x: i, y: 0 });
    steady.tick(new Map([['ann', ann.view]]), i * 99);
  }
  const fast = fanWith();
  const ben = recorder();
  for (let now = 0; now < 1000; now += 10) {
    fast.move({ x: now, y: 0 });
    fast.tick(new Map([['ben', ben.view]]), now);
  }
  await turn();
  t.is(ann.calls.length, 10, 'none waits for a later check');
  t.is(ben.calls.length, 11, 'at 0, 80, 180, … 980: one per 100 ms after the first');
});

test('in a spatial room, peers outside the aura are told once per farIntervalMs', async t => {
  const positions = new Map([
    ['near', { x: 1, y: 5 }],
    ['far', { x: 50, y: 50 }],
  ]);
  const fan = makeLiveFan({
    aura: { radius: 10, maxInAura: 4 },
    nearIntervalMs: 100,
    farIntervalMs: 1000,
    positions,
  });
  const near = recorder();
  const far = recorder();
  const peers = new Map([
    ['near', near.view],
    ['far', far.view],
  ]);
  for (let now = 0; now <= 1000; now += 100) {
    fan.move({ x: 0, y: now / 100 });
    fan.tick(peers, now);
  }
  await turn();
  t.is(near.calls.length, 11, 'every tick');
  t.deepEqual(far.calls, ['at 0,0', 'at 0,10'], 'at 0 and 1000 ms: the newest');
});

test('far peers share a budget: at most maxInAura of them per farIntervalMs, the longest untold first', async t => {
  const positions = new Map(
    ['a', 'b', 'c', 'd', 'e', 'f'].map((peer, i) => [peer, { x: 100 + i, y: 100 }] as const),
  );
  const fan = makeLiveFan({
    aura: { radius: 10, maxInAura: 2 },
    nearIntervalMs: 100,
    farIntervalMs: 1000,
    positions,
  });
  const peers = new Map([...positions.keys()].map(peer => [peer, recorder()] as const));
  const views = new Map([...peers].map(([peer, r]) => [peer, r.view] as const));
  const toldBy = (now: number) => {
    fan.move({ x: 0, y: now });
    fan.tick(views, now);
  };
  toldBy(0);
  toldBy(500);
  await turn();
  const reached = () => [...peers].filter(([, r]) => r.calls.length > 0).map(([peer]) => peer);
  t.deepEqual(reached(), ['a', 'b'], 'two in the first second');
  toldBy(1000);
  toldBy(2000);
  await turn();
  t.deepEqual(reached(), ['a', 'b', 'c', 'd', 'e', 'f'], 'the others in turn');
  t.is(peers.get('a')!.calls.length, 1, 'a waits while the others are told');
});

test("a peer's inbox refuses a live call with more values than a presence keeps", t => {
  const seen: string[] = [];
  const at: number[][] = [];
  const { inbox } = makePeerInboxKit('self', 'peer', {
    deliver() {},
    acked() {},
    heads: () => ({ public: { seq: 0, id: '' }, direct: { seq: 0, id: '' } }),
    history: () => [],
    recent: () => [],
    position: (_from, x, y) => void at.push([x, y]),
    live: (_from, items) => void seen.push(...items.map(([k]) => k)),
  });
  const many = Array.from({ length: MAX_LIVE_KEYS + 1 }, (_, i) => harden([`k${i}`, 'v']));
  t.throws(() => inbox.live(null, harden(many) as never));
  t.throws(() => inbox.live(null, harden([harden(['k', 'x'.repeat(257)])]) as never));
  t.throws(
    () => inbox.live(harden([1, 2, 3]) as never, harden([]) as never),
    undefined,
    'a position is two numbers',
  );
  inbox.live(harden([Number.NaN, 1]) as never, harden([harden(['hold', '3'])]) as never);
  inbox.live(harden([4, 5]) as never, harden([]) as never);
  t.deepEqual(seen, ['hold']);
  t.deepEqual(at, [[4, 5]], 'a position that is not finite is ignored');
});

const table = defineUnum<Record<string, never>>({
  type: 'live-table',
  initialState: {},
  kinds: [],
});

test('live values reach peers directly, and a member who joins later is told them', async t => {
  const vats = await Promise.all([0, 1, 2, 3].map(() => testVat(t)));
  const hosted = await hostUnum(vats[0]!, table, { name: 'table' });
  t.teardown(() => hosted.close());
  const ann = await joinUnum(vats[1]!, table, hosted.invite, { name: 'ann' });
  const ben = await joinUnum(vats[2]!, table, hosted.invite, { name: 'ben' });
  t.teardown(() => {
    ann.close();
    ben.close();
  });
  const benHears = nextEvent<{ key: string; value: string }>(
    l => ben.presence.on('live', l),
    e => e.key === 'hold' && e.value === '7',
  );
  ann.presence.setLive('hold', '7');
  await benHears;
  t.deepEqual(ben.presence.liveOf(ann.self), { hold: '7' });

  const cat = await joinUnum(vats[3]!, table, hosted.invite, { name: 'cat' });
  t.teardown(() => cat.close());
  // It may have been told while it was still joining.
  if (!cat.presence.liveOf(ann.self).hold)
    await nextEvent<{ peer: string; key: string }>(
      l => cat.presence.on('live', l),
      e => e.peer === ann.self && e.key === 'hold',
    );
  t.deepEqual(cat.presence.liveOf(ann.self), { hold: '7' }, 'told at its first tick');
});
