// A room whose critical state three (or five) replica vats decide by majority
// rule, every replica and member its own process (test/fixtures/room-vat.ts):
// joins, kicks, bans and a ruleset change reach every member alike; replicas
// SIGKILLed one and then two (no quorum, chat goes on), one brought back; and
// faulty replicas (test/fixtures/replica-faults.ts) that the majority outvotes
// and catches.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import type { ExecutionContext } from 'ava';
import type { Vat } from '../../vat/index.js';
import { roomVat, testVat, type RoomVat } from '../helpers.js';

type Fault = 'forge' | 'liar' | 'drop' | 'double';

/** k replica processes (the first the owner), the faulty ones last; resolves once the set is complete. */
const replicaSet = async (t: ExecutionContext, driver: Vat, k: number, faults: Fault[] = []) => {
  const replicas = await Promise.all(Array.from({ length: k }, () => roomVat(t, driver)));
  const owner = replicas[0]!;
  const { invite, replicaInvite } = await E(owner.control).createRoom('lobby', { replicas: k });
  const invites = [invite];
  for (const [i, r] of replicas.slice(1).entries()) {
    const fault = faults[i - (k - 1 - faults.length)];
    const served = await E(r.control).serveReplica(replicaInvite!, ...(fault ? [fault] : []));
    invites.push(served.invite);
  }
  return { replicas, owner, invite, replicaInvite: replicaInvite!, invites };
};

const members = (t: ExecutionContext, driver: Vat, n: number) =>
  Promise.all(Array.from({ length: n }, () => roomVat(t, driver)));

/** Waits (a bounded number of looks) until the member's roster is `names`; returns the roster it has then. */
const rosterIs = async (member: RoomVat, names: string[]) => {
  const same = (roster: string[]) => JSON.stringify(roster) === JSON.stringify(names);
  for (let look = 0; look < 50; look++) {
    const roster = await E(member.control).roster();
    if (same(roster)) return roster;
    // A roster event with these names (an earlier one matches at once: the loop then looks again).
    await E(member.control).waitFor('roster', { members: names }, 10_000);
  }
  return E(member.control).roster();
};

/** Alice and Mallory join; the owner bans Mallory; Mallory is removed and Alice's roster says so. */
const malloryBanned = async (t: ExecutionContext, k: number, faults: Fault[]) => {
  const driver = await testVat(t);
  const set = await replicaSet(t, driver, k, faults);
  const [alice, mallory] = await members(t, driver, 2);
  await E(alice!.control).join(set.invite, 'alice');
  await E(mallory!.control).join(set.invite, 'mallory');
  await E(set.owner.control).ban(mallory!.vatId, 0, 'spam');
  await E(mallory!.control).waitFor('removed', {}, 10_000);
  t.deepEqual(await rosterIs(alice!, ['alice']), ['alice']);
  return set;
};

const hears = (member: RoomVat, text: string) =>
  E(member.control).waitFor('message', { text }, 10_000);

test.serial(
  'k = 3: changes reach every member alike; one replica killed, then two (no quorum, chat goes on), one back',
  async t => {
    const driver = await testVat(t);
    const { replicas, owner, invite, invites, replicaInvite } = await replicaSet(t, driver, 3);
    const [alice, bob, carol, dave] = await members(t, driver, 4);
    await E(alice!.control).join(invite, 'alice');
    await E(bob!.control).join(invites[1]!, 'bob');
    await E(alice!.control).say('hello bob');
    await hears(bob!, 'hello bob');
    await E(owner.control).setRuleset({ rules: [] });
    t.deepEqual(await rosterIs(bob!, ['alice', 'bob']), ['alice', 'bob']);

    await replicas[2]!.proc.kill();
    await E(carol!.control).join(invite, 'carol');
    await E(owner.control).kick(carol!.vatId, 'testing');
    await E(carol!.control).waitFor('removed', {}, 10_000);
    t.deepEqual(await rosterIs(alice!, ['alice', 'bob']), ['alice', 'bob']);

    await replicas[1]!.proc.kill();
    const started = Date.now();
    const refused = await t.throwsAsync(
      E(dave!.control).join(invite, 'dave', {}, { hostWaitMs: 4_000 }) as Promise<unknown>,
    );
    t.regex(refused!.message, /\[no-quorum\]/);
    t.true(Date.now() - started < 15_000, 'within the bound');
    await E(bob!.control).say('still here');
    await hears(alice!, 'still here');

    // The second replica back on its data directory: it resumes, catches up, and joins work again.
    const back = await roomVat(t, driver, { dataDir: replicas[1]!.proc.dataDir });
    await E(back.control).serveReplica(replicaInvite);
    await E(dave!.control).join(invite, 'dave', {}, { hostWaitMs: 20_000 });
    const ownerState = await E(owner.control).hostedSnapshot();
    const backState = await E(back.control).replicaAt(ownerState.cseq);
    t.is(backState.cseq, ownerState.cseq, 'caught up');
    t.deepEqual(backState.members, ['alice', 'bob', 'dave']);
    await E(owner.control).ban(bob!.vatId, 0, 'enough');
    await E(bob!.control).waitFor('removed', {}, 10_000);
    t.deepEqual(await rosterIs(dave!, ['alice', 'dave']), ['alice', 'dave']);
    t.deepEqual(await rosterIs(alice!, ['alice', 'dave']), ['alice', 'dave']);
  },
);

test.serial(
  'k = 3 with a replica that signs a ban that leaves the member in: members never accept it, and it is caught',
  async t => {
    const { replicas, owner } = await malloryBanned(t, 3, ['forge']);
    const { cseq } = await E(owner.control).hostedSnapshot();
    const evidence = await E(replicas[1]!.control).waitFor('evidence', {}, 10_000);
    t.is(evidence.replica, replicas[2]!.vatId);
    t.is(evidence.kind, 'against-majority');
    t.deepEqual(
      (await E(replicas[2]!.control).replicaAt(cseq)).members,
      ['alice'],
      'the forger follows the majority',
    );
  },
);

test.serial(
  "k = 3 with a replica that reverses arrival times: the order is the honest majority's",
  async t => {
    const driver = await testVat(t);
    const { invite } = await replicaSet(t, driver, 3, ['liar']);
    const joiners = await members(t, driver, 3);
    const names = ['ann', 'ben', 'cat'];
    for (const [i, m] of joiners.entries()) await E(m.control).join(invite, names[i]!);
    t.deepEqual(await rosterIs(joiners[2]!, names), names);
  },
);

test.serial('k = 3 with a replica that drops requests: joins and chat work', async t => {
  const driver = await testVat(t);
  const { invite, invites } = await replicaSet(t, driver, 3, ['drop']);
  const [alice, bob] = await members(t, driver, 2);
  await E(alice!.control).join(invites[2]!, 'alice'); // through the dropper itself
  await E(bob!.control).join(invite, 'bob');
  await E(bob!.control).say('hi');
  await hears(alice!, 'hi');
  t.deepEqual(await rosterIs(alice!, ['alice', 'bob']), ['alice', 'bob']);
});

test.serial(
  'k = 5 with two faulty replicas (one signs twice per cseq, one forges): the three honest decide and catch both',
  async t => {
    const { replicas } = await malloryBanned(t, 5, ['double', 'forge']);
    const double = await E(replicas[1]!.control).waitFor(
      'evidence',
      { kind: 'double-sign' },
      10_000,
    );
    t.is(double.replica, replicas[3]!.vatId);
    const forged = await E(replicas[2]!.control).waitFor(
      'evidence',
      { replica: replicas[4]!.vatId },
      10_000,
    );
    t.is(forged.kind, 'against-majority');
  },
);

test.serial(
  'k = 3: a replica SIGKILLed for good is replaced by a majority request; members follow the new set',
  async t => {
    const driver = await testVat(t);
    const { replicas, owner, invite, replicaInvite } = await replicaSet(t, driver, 3);
    const [alice, bob, newcomer] = await members(t, driver, 3);
    await E(alice!.control).join(invite, 'alice');
    await replicas[2]!.proc.kill();
    await E(owner.control).replaceReplica(replicas[2]!.vatId);
    const replacement = await E(newcomer!.control).serveReplica(replicaInvite);
    await E(bob!.control).join(replacement.invite, 'bob'); // through the new replica
    t.deepEqual(await rosterIs(alice!, ['alice', 'bob']), ['alice', 'bob']);
    const { cseq } = await E(owner.control).hostedSnapshot();
    t.deepEqual((await E(newcomer!.control).replicaAt(cseq)).members, ['alice', 'bob']);
    await replicas[1]!.proc.kill(); // the new set's majority is the owner and the newcomer
    await E(owner.control).kick(bob!.vatId, 'testing');
    await E(bob!.control).waitFor('removed', {}, 10_000);
    t.deepEqual(await rosterIs(alice!, ['alice']), ['alice']);
  },
);
