// A line that trips an auto-report rule while the member is still joining
// (its report facet is being set up) is reported all the same, once the join
// completes: lines wait for the room's extension and for the caller's
// listeners. Vats share this process.
import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far } from '@endo/far';
import { joinRoom, moderationHost, type ModerationEvents } from '../../moderation/index.js';
import { createRoom as createChatRoom } from '../../unum/index.js';
import { nextEvent, testVat } from '../helpers.js';

const turn = () => new Promise(resolve => setImmediate(resolve));

test('a line that trips auto-report during the join is reported once the join completes', async t => {
  const [hostVat, aliceVat, bobVat] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  let release = () => {};
  const gate = new Promise<void>(resolve => {
    release = resolve;
  });
  let offered: (witness: unknown) => void = () => {};
  const bobsWitness = new Promise<unknown>(resolve => {
    offered = resolve;
  });
  const reports: Array<{ flagged: string[]; trigger: { kind: string } }> = [];
  const hookFor = (member: string) =>
    Far('ReportHook', {
      async offerWitness(witness: unknown) {
        if (member !== bobVat.id) return;
        offered(witness);
        await gate; // bob's join waits here, with his presence already linked
      },
      async submit(signed: { report: string }) {
        reports.push(JSON.parse(signed.report));
        return harden({ verdict: 'verified' });
      },
    });
  const room = await createChatRoom(hostVat, {
    name: 'lobby',
    extension: moderationHost(async member =>
      harden({ report: hostVat.giftFor(hookFor(member), member) }),
    ),
  });
  t.teardown(() => room.close());
  await room.admin.setRuleset({
    rules: [{ id: 'pills', action: 'auto-report', keywords: ['pills'] }],
  });
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  t.teardown(() => alice.close());

  const joining = joinRoom(bobVat, room.invite, { name: 'bob' });
  const witness = await bobsWitness;
  for (let i = 0; i < 1_000 && alice.unreachable().length > 0; i += 1) await turn(); // her link to bob
  const sent = await alice.say('cheap pills here');
  t.deepEqual(sent.to, [bobVat.id]);
  // Bob's presence has the line (his witness serves it) while his join still waits.
  for (
    let i = 0;
    i < 1_000 &&
    (
      await E(witness as { range(a: string, f: number, to: number): unknown[] }).range(
        aliceVat.id,
        1,
        1,
      )
    ).length === 0;
    i += 1
  ) {
    await turn();
  }
  release();
  const bob = await joining;
  t.teardown(() => bob.close());
  const reported = await nextEvent<ModerationEvents['reported']>(
    l => bob.on('reported', l),
    () => true,
  );
  t.like(reported, { hit: { rule: 'pills' }, result: { verdict: 'verified' } });
  t.deepEqual(
    reports.map(r => [r.flagged, r.trigger.kind]),
    [[[sent.id], 'filter']],
  );
});
