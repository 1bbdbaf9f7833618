// Room policy through the host's facets: refusals with their codes, mute, and
// history for a late joiner. Vats here share the test process, each with its
// own identity and sessions.
import test from '@endo/ses-ava/prepare-endo.js';
import { createRoom, joinRoom, type ChatMessage } from '../../unum/index.js';
import type { Dropped } from '../../presence/index.js';
import { nextEvent, testVat } from '../helpers.js';

const threeVats = (t: Parameters<typeof testVat>[0]) =>
  Promise.all([testVat(t), testVat(t), testVat(t)]);

test('joins are refused with a reason code: full, banned, closed, name-taken', async t => {
  const [hostVat, aVat, bVat] = await threeVats(t);
  const room = await createRoom(hostVat, { name: 'tiny', capacity: 1 });
  t.teardown(() => room.close());
  await joinRoom(aVat, room.invite, { name: 'ann' });
  await t.throwsAsync(joinRoom(bVat, room.invite, { name: 'ben' }), {
    message: '[full] join refused by room "tiny": it holds 1 members',
  });
  await room.admin.setCapacity(5);
  await t.throwsAsync(joinRoom(bVat, room.invite, { name: 'ann' }), {
    message: /^\[name-taken\] .*a member is already called "ann"/,
  });
  await room.admin.ban(bVat.id, { durationMs: 0, reason: 'spam' });
  await t.throwsAsync(joinRoom(bVat, room.invite, { name: 'ben' }), {
    message: '[banned] join refused by room "tiny": banned',
  });
  await room.admin.unban(bVat.id);
  await room.admin.setOpen(false);
  await t.throwsAsync(joinRoom(bVat, room.invite, { name: 'ben' }), { message: /^\[closed\] / });
  await room.admin.setOpen(true);
  await t.notThrowsAsync(joinRoom(bVat, room.invite, { name: 'ben' }));
});

test('banning a member removes it, bumps the epoch, and keeps it out', async t => {
  const [hostVat, aVat, bVat] = await threeVats(t);
  const room = await createRoom(hostVat, { name: 'lobby' });
  t.teardown(() => room.close());
  const ann = await joinRoom(aVat, room.invite, { name: 'ann' });
  const ben = await joinRoom(bVat, room.invite, { name: 'ben' });
  const removed = nextEvent<{ reason: string }>(
    l => ben.on('removed', l),
    () => true,
  );
  const epoch = room.snapshot().epoch;
  await room.admin.ban(bVat.id, { durationMs: 60_000, reason: 'abuse' });
  t.like(await removed, { reason: 'banned: abuse' });
  t.is(room.snapshot().epoch, epoch + 1);
  t.deepEqual(
    ann.roster().map(m => m.name),
    ['ann'],
  );
  await t.throwsAsync(ben.say('let me back'), { message: /^\[closed\]/ });
  await t.throwsAsync(joinRoom(bVat, room.invite, { name: 'ben' }), {
    message: /^\[banned\] .*banned until/,
  });
});

test("a muted member's lines are kept as evidence but not shown", async t => {
  const [hostVat, aVat, bVat] = await threeVats(t);
  const room = await createRoom(hostVat, { name: 'lobby' });
  t.teardown(() => room.close());
  const ann = await joinRoom(aVat, room.invite, { name: 'ann' });
  const ben = await joinRoom(bVat, room.invite, { name: 'ben' });
  const mutedRoster = nextEvent<{ members: Array<{ muted: boolean }> }>(
    l => ann.on('roster', l),
    r => r.members.some(m => m.muted),
  );
  await room.admin.mute(bVat.id, true);
  await mutedRoster;
  const dropped = nextEvent<Dropped>(
    l => ann.on('dropped', l),
    d => d.reason === 'muted',
  );
  const sent = await ben.say('can you hear me?');
  t.like(await dropped, { author: bVat.id });
  t.true(
    ann.window().some(k => k.envelope.id === sent.id),
    'kept in the window',
  );
});

test("a late joiner gets the room's recent history from a peer, verified", async t => {
  const [hostVat, aVat, bVat] = await threeVats(t);
  const room = await createRoom(hostVat, { name: 'lobby' });
  t.teardown(() => room.close());
  const ann = await joinRoom(aVat, room.invite, { name: 'ann' });
  await ann.say('before you came');
  await ann.say('and this too');
  const ben = await joinRoom(bVat, room.invite, { name: 'ben' });
  const history: ChatMessage[] = [];
  await new Promise<void>(resolve =>
    ben.on('message', m => {
      history.push(m);
      if (history.length === 2) resolve();
    }),
  );
  t.deepEqual(
    history.map(m => [m.text, m.history]),
    [
      ['before you came', true],
      ['and this too', true],
    ],
  );
  t.is(ben.window().length, 2, 'kept as evidence');
  const live = nextEvent<ChatMessage>(
    l => ben.on('message', l),
    m => m.text === 'welcome',
  );
  await ann.say('welcome');
  t.like(await live, { history: false, name: 'ann' });
});
