// Anyone holding an invite can call join, and identities are free: a joiner
// whose link never answers must cost only itself. The host takes the steps
// that wait on a newcomer outside its serial queue, each bounded in time,
// allows one join in progress per caller and `maxPendingJoins` in all, and
// answers the rest `[busy]`. Before, twelve stalled joins made a newcomer
// wait a minute. The host runs in its own process; the strangers are vats in
// this one, calling the join facet by hand with a link that never answers.
import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far } from '@endo/far';
import type { Join } from '../../unum/facets.js';
import { roomVat, testVat } from '../helpers.js';

const never = () => new Promise<never>(() => {});
/** A member link that takes every call and never answers. */
const stalledLink = () => Far('MemberLink', { update: never, inboxGiftFor: never });

const strangerJoins = async (t: Parameters<typeof testVat>[0], invite: string, count: number) => {
  const strangers = await Promise.all(Array.from({ length: count }, () => testVat(t)));
  const joins = await Promise.all(strangers.map(s => s.fetch<Join>(invite)));
  return { strangers, joins };
};

test('twelve joiners that never answer do not delay a newcomer or a kick', async t => {
  const driver = await testVat(t);
  const [host, alice, bob] = await Promise.all([0, 1, 2].map(() => roomVat(t, driver)));
  const { invite } = await E(host.control).createRoom('lobby');
  await E(alice.control).join(invite, 'alice');
  const { joins } = await strangerJoins(t, invite, 12);
  const settled: string[] = [];
  const stalled = joins.map((join, i) =>
    E(join)
      .join(harden({ name: `stranger${i}`, address: '127.0.0.1:9', link: stalledLink() }))
      .then(
        () => settled.push('joined'),
        (error: Error) => settled.push(error.message),
      ),
  );
  // Bob joins and is kicked while every stranger's join still waits on its link.
  await E(bob.control).join(invite, 'bob');
  await E(host.control).kick(bob.vatId, 'test');
  await E(bob.control).waitFor('removed');
  t.deepEqual(settled, [], 'no stranger join had settled when bob was in and out');
  await Promise.all(stalled);
  t.is(settled.length, 12);
  t.true(
    settled.every(m => /^\[timeout\]/.test(m)),
    'each stalled join timed out by itself',
  );
  t.deepEqual(await E(host.control).hostedRoster(), ['alice']);
});

/** Calls on held links, each waiting until the test lets it fail; `reached(n)` resolves once n have arrived. */
const heldCalls = () => {
  const pending: Array<(reason: Error) => void> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const held = () =>
    new Promise<never>((_, reject) => {
      pending.push(reject);
      for (const w of waiters.filter(w => pending.length >= w.n)) w.resolve();
    });
  return {
    pending,
    link: () => Far('MemberLink', { update: held, inboxGiftFor: held }),
    reached: (n: number) =>
      new Promise<void>(resolve => {
        if (pending.length >= n) resolve();
        else waiters.push({ n, resolve });
      }),
  };
};

test('one join in progress per caller, and maxPendingJoins in all: the rest are told [busy]', async t => {
  const driver = await testVat(t);
  const host = await roomVat(t, driver);
  // Join steps wait two minutes: the joins below end only when the test releases them.
  const { invite } = await E(host.control).createRoom('lobby', {
    maxPendingJoins: 3,
    introductionTimeoutMs: 120_000,
  });
  const { joins } = await strangerJoins(t, invite, 4);
  const calls = heldCalls();
  const request = (i: number) =>
    harden({ name: `stranger${i}`, address: '127.0.0.1:9', link: calls.link() });
  const first = E(joins[0]!).join(request(0));
  first.catch(() => {});
  await t.throwsAsync(E(joins[0]!).join(request(0)), {
    message: /^\[busy\] vat \w+ already has a join in progress in "lobby"/,
  });
  const more = [1, 2].map(i => E(joins[i]!).join(request(i)));
  for (const p of more) p.catch(() => {});
  // Each join in progress asks its link once: the fourth goes only when the host holds three
  // (calls from different vats may reach the host in any order).
  await calls.reached(3);
  await t.throwsAsync(E(joins[3]!).join(request(3)), {
    message: '[busy] "lobby" has 3 joins in progress; try again in a moment',
  });
  for (const reject of calls.pending.splice(0)) reject(Error('let go'));
  await Promise.allSettled([first, ...more]);
  // Slots free again once those joins fail: a real newcomer gets in.
  const carol = await roomVat(t, driver);
  await E(carol.control).join(invite, 'carol');
  t.deepEqual(await E(host.control).hostedRoster(), ['carol']);
});
