// A room host's critical state outlives its process: the roster with its
// kicks, bans and mutes, the capacity, whether it admits members, and the
// ruleset. And a room hosted by another vat than the moderation service's
// stays registered there whichever side restarts.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fileURLToPath } from 'node:url';
import { joinRoom, signAction } from '../../index.js';
import type { AuditorFacet } from '../../moderation/index.js';
import {
  aliceHearsMallory,
  childVat,
  nextEvent,
  roomVat,
  tempDir,
  testVat,
  joinInOrder,
} from '../helpers.js';

const MODERATION_VAT = fileURLToPath(new URL('../fixtures/moderation-vat.ts', import.meta.url));
const RULESET = { rules: [{ id: 'no-spam', action: 'hide', keywords: ['spam'] }] };

const restartedHost = (stop: 'stop' | 'kill') => async (t: import('ava').ExecutionContext) => {
  const driver = await testVat(t);
  const hostDir = tempDir(t);
  const host = await roomVat(t, driver, { dataDir: hostDir });
  const [alice, bob, carol, dave] = await Promise.all([
    roomVat(t, driver),
    roomVat(t, driver),
    roomVat(t, driver),
    roomVat(t, driver),
  ]);
  const { invite } = await E(host.control).createRoom('lobby');
  await joinInOrder(invite, [
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
    [dave, 'dave'],
  ]);
  await E(host.control).setRuleset(RULESET);
  await E(host.control).mute(carol.vatId, true);
  await E(host.control).ban(bob.vatId, 0, 'spam');
  await E(host.control).kick(dave.vatId, 'off topic');
  await E(host.control).setCapacity(3);
  await E(host.control).setOpen(false);
  const before = await E(host.control).hostedSnapshot();
  if (stop === 'kill') await host.proc.kill();
  else t.is(await host.proc.stop(), 0);

  const hostAgain = await roomVat(t, driver, { dataDir: hostDir, listen: host.address });
  await E(hostAgain.control).createRoom('lobby');
  const after = await E(hostAgain.control).hostedSnapshot();
  t.like(after, {
    epoch: before.epoch,
    rulesetHash: before.rulesetHash,
    state: { ruleset: RULESET },
  });
  t.deepEqual(
    after.members.map(m => [m.name, m.muted]),
    [
      ['alice', false],
      ['carol', true],
    ],
  );
  t.deepEqual(
    after.bans.map(b => b.vatId),
    [bob.vatId],
  );

  const daveAgain = await roomVat(t, driver);
  await t.throwsAsync(
    E(daveAgain.control).join(invite, 'dave'),
    { message: /^\[closed\]/ },
    'still closed',
  );
  await E(hostAgain.control).setOpen(true);
  const erin = await roomVat(t, driver);
  await E(erin.control).join(invite, 'erin');
  await t.throwsAsync(
    E(daveAgain.control).join(invite, 'dave'),
    { message: /^\[full\]/ },
    'still a capacity of 3',
  );
  await t.throwsAsync(E(bob.control).join(invite, 'bob'), { message: /^\[banned\]/ });
  t.deepEqual(
    await E(hostAgain.control).hostedRoster(),
    ['alice', 'carol', 'erin'],
    'the kick held: dave did not come back when members re-attached',
  );
};

test(
  'a restarted room host keeps kicks, bans, mutes, capacity, openness and the ruleset',
  restartedHost('stop'),
);
test('the same after SIGKILL right after the last acknowledged call', restartedHost('kill'));

test('a moderated room hosted by another vat stays registered when either side restarts', async t => {
  const driver = await testVat(t);
  const operatorDir = tempDir(t);
  const operator = await childVat(t, { program: MODERATION_VAT, dataDir: operatorDir });
  const control = await driver.fetch<{
    grant(role: string, label: string): string;
    reportInbox(): string;
  }>(String(operator.ready.control));
  const reportInbox = await E(control).reportInbox();
  const hostDir = tempDir(t);
  const host = await roomVat(t, driver, { dataDir: hostDir });
  const { invite } = await E(host.control).createRoom('corner', { moderation: reportInbox });
  const { malloryVat, alice, line } = await aliceHearsMallory(t, invite, 'abuse');
  const anaVat = await testVat(t);
  const { caseId } = (await alice.report({
    category: 'harassment',
    flagged: [line.id],
  })) as { caseId: string };
  const anaRef = await E(control).grant('act', 'ana');

  await operator.kill();
  await childVat(t, { program: MODERATION_VAT, dataDir: operatorDir, listen: operator.address });
  const ana = await anaVat.fetch<AuditorFacet>(anaRef);
  const sanction = (action: 'mute' | 'kick') =>
    signAction(
      {
        caseId,
        room: alice.room,
        action,
        target: malloryVat.id,
        durationMs: 0,
        reason: 'abuse',
        auditor: anaVat.id,
      },
      m => anaVat.sign(m),
    );
  const muted = nextEvent<{ members: Array<{ name: string; muted: boolean }> }>(
    l => alice.on('roster', l),
    r => r.members.some(m => m.name === 'mallory' && m.muted),
  );
  await E(ana).act(sanction('mute'));
  await muted;
  t.pass('after the service restarted, its action reached the other host');
  // Alice's report facet died with the old service: her vat has the host introduce it again.
  const again = (await alice.report({ category: 'harassment', flagged: [line.id] })) as {
    verdict: string;
  };
  t.is(again.verdict, 'verified', "after the service restarted, alice's next report went through");
  const bobVat = await testVat(t);
  const bob = await joinRoom(bobVat, invite, { name: 'bob' });
  t.teardown(() => bob.close());
  t.is(bob.room, alice.room, 'and a newcomer joins: the host had its report facet introduced');

  await host.proc.kill();
  const hostAgain = await roomVat(t, driver, { dataDir: hostDir, listen: host.address });
  await E(hostAgain.control).createRoom('corner', { moderation: reportInbox });
  await E(ana).act(sanction('kick'));
  t.deepEqual(
    await E(hostAgain.control).hostedRoster(),
    ['alice', 'bob'],
    'after the host restarted, the service reached it again',
  );
});
