// A filter hit reports by itself: the room's signed ruleset makes Alice's vat
// hide Mallory's line and report it; the report verifies and names the rule
// and ruleset version that fired; an auditor kicks Mallory.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { joinRoom, type ChatMessage } from '../../index.js';
import { createModeratedRoom, signAction, startModeration } from '../../moderation/index.js';
import { nextEvent, testVat } from '../helpers.js';

test('a filter hit hides the line, auto-reports it, and an auditor acts on the case', async t => {
  const [operatorVat, hostVat, aliceVat, malloryVat, anaVat] = await Promise.all(
    Array.from({ length: 5 }, () => testVat(t)),
  );
  const mod = await startModeration(operatorVat);
  t.teardown(() => mod.close());
  const room = await createModeratedRoom(hostVat, { name: 'lobby', moderation: mod.reportInbox });
  t.teardown(() => room.close());
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  const mallory = await joinRoom(malloryVat, room.invite, { name: 'mallory' });
  const rulesetSeen = nextEvent<unknown>(
    l => alice.on('roster', l),
    () => true,
  );
  await room.admin.setRuleset({
    rules: [
      {
        id: 'insults',
        action: 'auto-report',
        category: 'harassment',
        keywords: ['idiot', 'moron'],
      },
    ],
  });
  await rulesetSeen;

  const shown: ChatMessage[] = [];
  alice.on('message', m => shown.push(m));
  const filtered = nextEvent<{ message: ChatMessage; hit: { rule: string } }>(
    l => alice.on('filtered', l),
    () => true,
  );
  const reported = nextEvent<{ hit: unknown; result: unknown }>(
    l => alice.on('reported', l),
    () => true,
  );
  await mallory.say('you are an idiot');
  t.like(await filtered, {
    message: { text: 'you are an idiot', name: 'mallory' },
    hit: { rule: 'insults' },
  });
  const result = (await reported).result as { verdict: string; caseId: string };
  t.is(result.verdict, 'verified');
  t.deepEqual(
    shown.map(m => m.text),
    [],
    'never shown to alice',
  );

  const entry = (await mod.archive.list('report', 1))[0]!;
  const report = JSON.parse(JSON.parse(entry.body).signed.report);
  t.deepEqual(report.trigger, {
    kind: 'filter',
    rule: 'insults',
    rulesetHash: room.snapshot().rulesetHash,
  });

  const ana = await anaVat.fetch<{ act(s: unknown): unknown }>(mod.grant('act', { label: 'ana' }));
  const removed = nextEvent<{ reason: string }>(
    l => mallory.on('removed', l),
    () => true,
  );
  await E(ana).act(
    signAction(
      {
        caseId: result.caseId,
        room: room.room,
        action: 'ban',
        target: malloryVat.id,
        durationMs: 86_400_000,
        reason: 'insults',
        auditor: anaVat.id,
      },
      m => anaVat.sign(m),
    ),
  );
  t.regex((await removed).reason, /^banned: insults/);
});
