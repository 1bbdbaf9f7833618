// A chat room whose critical state three replica vats decide by majority rule
// (docs/protocol.md §4.9), with the vats in this process: a unit of the
// wiring (tests across processes: test/rooms/replicated-processes.test.ts).
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { createRoom, joinRoom, serveReplica } from '../../unum/index.js';
import { openCertified, replicaIds } from '../../unum/quorum/certified.js';
import { nextEvent, testVat } from '../helpers.js';

/** Resolves once `holds()` is true: at once, or at the member's next roster event that makes it so. */
const until = (
  member: { on(name: 'roster', l: (event: unknown) => void): () => void },
  holds: () => boolean,
) => (holds() ? Promise.resolve() : nextEvent(l => member.on('roster', l), holds));

const threeReplicas = async (t: Parameters<typeof testVat>[0]) => {
  const [a, b, c] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const room = await createRoom(a, { name: 'lobby', replicas: 3 });
  t.truthy(room.replicaInvite);
  const served = [
    await serveReplica(b, room.replicaInvite!),
    await serveReplica(c, room.replicaInvite!),
  ];
  await room.ready;
  return { vats: [a, b, c], room, served };
};

test('k = 3: members join through any replica, chat peer to peer, and see the same certified roster', async t => {
  const { room, served, vats } = await threeReplicas(t);
  t.deepEqual(
    replicaIds(room.snapshot() as never),
    vats.map(v => v.id),
  );
  const [aliceVat, bobVat] = await Promise.all([testVat(t), testVat(t)]);
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  const bob = await joinRoom(bobVat, served[1]!.invite, { name: 'bob' });
  const heard = nextEvent<{ text: string }>(
    l => bob.on('message', l),
    m => m.text === 'hello bob',
  );
  await alice.say('hello bob');
  t.is((await heard).text, 'hello bob');
  const roster = room.signedRoster();
  const trusted = vats.map(v => v.id);
  const held = openCertified(roster as never, trusted);
  t.deepEqual(
    held.members.map(m => m.name),
    ['alice', 'bob'],
  );
  await until(alice, () => alice.roster().length === 2);
  t.deepEqual(alice.roster(), bob.roster());
});

test('k = 3: kick, ban and a ruleset change are decided by the majority and reach every member', async t => {
  const { room } = await threeReplicas(t);
  const [aliceVat, bobVat, malloryVat] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  const mallory = await joinRoom(malloryVat, room.invite, { name: 'mallory' });
  const bob = await joinRoom(bobVat, room.invite, { name: 'bob' });
  const removed = nextEvent<{ reason: string }>(
    l => mallory.on('removed', l),
    () => true,
  );
  await E(room.admin).ban(malloryVat.id, { durationMs: 0, reason: 'spam' });
  t.regex((await removed).reason, /banned: spam/);
  await t.throwsAsync(joinRoom(malloryVat, room.invite, { name: 'mallory2' }), {
    message: /^\[banned\]/,
  });
  await E(room.admin).setRuleset({ rules: [] });
  await E(room.admin).kick(bobVat.id, 'enough');
  await until(alice, () => !alice.roster().some(m => m.vatId === bobVat.id));
  t.deepEqual(
    alice.roster().map(m => m.name),
    ['alice'],
  );
  t.is(room.snapshot().bans.length, 1);
  t.true(room.snapshot().rulesetHash.length > 0);
  void bob;
});

test('k = 3: one replica closed, joins still work; two closed, a request fails with [no-quorum] while chat goes on', async t => {
  const { room, vats } = await threeReplicas(t);
  const [aliceVat, bobVat, carolVat] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  await vats[2]!.close();
  const bob = await joinRoom(bobVat, room.invite, { name: 'bob' });
  t.deepEqual(
    bob.roster().map(m => m.name),
    ['alice', 'bob'],
  );
  await vats[1]!.close();
  await t.throwsAsync(
    joinRoom(carolVat, room.invite, { name: 'carol', limits: { hostWaitMs: 3_000 } }),
    { message: /^\[no-quorum\]/ },
  );
  const heard = nextEvent<{ text: string }>(
    l => alice.on('message', l),
    m => m.text === 'still here',
  );
  await bob.say('still here');
  t.is((await heard).text, 'still here');
});

test('k = 3: a halted replica replaced by a majority request; the room goes on with the new set', async t => {
  const { room, vats } = await threeReplicas(t);
  const [aliceVat, bobVat, newVat] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  await vats[2]!.close();
  room.replaceReplica!(vats[2]!.id);
  const replacement = await serveReplica(newVat, room.replicaInvite!);
  t.deepEqual(replicaIds(replacement.snapshot() as never), [vats[0]!.id, vats[1]!.id, newVat.id]);
  const bob = await joinRoom(bobVat, replacement.invite, { name: 'bob' });
  await until(alice, () => alice.roster().length === 2);
  t.deepEqual(
    bob.roster().map(m => m.name),
    ['alice', 'bob'],
  );
  t.deepEqual(replicaIds(room.snapshot() as never), [vats[0]!.id, vats[1]!.id, newVat.id]);
  t.throws(() => room.replaceReplica!(aliceVat.id), { message: /^\[not-a-replica\]/ });
});
