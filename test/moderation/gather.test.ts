// Completing evidence and steering the room: a report trimmed at the window's
// edge is completed from another member's window; an admin auditor's ruleset
// is logged and then takes effect; a monitor joins visibly.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { joinRoom, type ChatMessage } from '../../index.js';
import { createModeratedRoom, startModeration } from '../../moderation/index.js';
import { nextEvent, testVat } from '../helpers.js';

const setUp = async (t: Parameters<typeof testVat>[0]) => {
  const [operatorVat, aliceVat, bobVat, malloryVat, anaVat] = await Promise.all(
    Array.from({ length: 5 }, () => testVat(t)),
  );
  const mod = await startModeration(operatorVat);
  t.teardown(() => mod.close());
  const room = await createModeratedRoom(operatorVat, {
    name: 'lobby',
    moderation: mod.reportInbox,
  });
  t.teardown(() => room.close());
  // Alice keeps a short window; Bob keeps the default.
  const alice = await joinRoom(aliceVat, room.invite, {
    name: 'alice',
    presenceLimits: { windowEnvelopes: 3, windowMs: 1 },
  });
  const bob = await joinRoom(bobVat, room.invite, { name: 'bob' });
  const mallory = await joinRoom(malloryVat, room.invite, { name: 'mallory' });
  return { mod, room, alice, bob, mallory, anaVat, malloryVat };
};

test("a report trimmed at the window's edge is completed from another member's window, verified line by line", async t => {
  const { mod, alice, bob, mallory, anaVat, malloryVat } = await setUp(t);
  const lines = ['one', 'two', 'three', 'four', 'five'];
  const allHeard = Promise.all(
    [alice, bob].map(m =>
      nextEvent<ChatMessage>(
        l => m.on('message', l),
        x => x.text === 'five',
      ),
    ),
  );
  for (const text of lines) await mallory.say(text);
  await allHeard;
  t.deepEqual(
    alice.window().map(k => k.envelope.wire.content),
    ['three', 'four', 'five'],
    'alice kept only the last three',
  );
  const lastLine = alice.window().at(-1)!.envelope.id;
  const result = (await alice.report({ category: 'spam', flagged: [lastLine] })) as {
    verdict: string;
    caseId: string;
  };
  t.is(result.verdict, 'verified', 'an edge-trimmed window is not an omission');

  const ana = await anaVat.fetch<{
    gather(caseId: string): { gathered: Array<Record<string, unknown>>; missing: unknown[] };
  }>(mod.grant('triage', { label: 'ana' }));
  const { gathered, missing } = await E(ana).gather(result.caseId);
  t.like(gathered, [{ author: malloryVat.id, fromSeq: 1, toSeq: 2, count: 2, witness: bob.self }]);
  t.deepEqual(
    (gathered[0]!.lines as Array<{ text: string }>).map(l => l.text),
    ['one', 'two'],
    'the auditor reads the gathered lines',
  );
  t.deepEqual(missing, []);
  const context = JSON.parse((await mod.archive.list('context', 1))[0]!.body);
  t.deepEqual(
    context.items.map((w: { content: string }) => w.content),
    ['one', 'two'],
    'logged as context',
  );
});

test("an admin auditor's ruleset is logged, then takes effect in every member's vat", async t => {
  const { mod, room, alice, mallory, anaVat } = await setUp(t);
  const ana = await anaVat.fetch<{ setRuleset(room: string, ruleset: object): { index: number } }>(
    mod.grant('admin', { label: 'ana' }),
  );
  const receipt = await E(ana).setRuleset(room.room, {
    rules: [{ id: 'links', action: 'hide', keywords: ['http'], mode: 'substring' }],
  });
  t.is((await mod.archive.entry(receipt.index))!.kind, 'ruleset');
  t.not(room.snapshot().rulesetHash, '');
  const hidden = nextEvent<{ hit: { rule: string } }>(
    l => alice.on('filtered', l),
    () => true,
  );
  await mallory.say('buy now at http://spam.example');
  t.like(await hidden, { hit: { rule: 'links' } });
  const triage = await anaVat.fetch<{ setRuleset?: unknown }>(
    mod.grant('triage', { label: 'tia' }),
  );
  await t.throwsAsync(
    E(triage as { setRuleset(r: string, s: object): unknown }).setRuleset(room.room, { rules: [] }),
    {
      message: /has no method "setRuleset"/,
    },
  );
});

test("a monitor joins as a visible member: everyone's roster shows its role", async t => {
  const { room, alice } = await setUp(t);
  const monitorVat = await testVat(t);
  const seen = nextEvent<{ members: Array<{ name: string; role: string }> }>(
    l => alice.on('roster', l),
    r => r.members.some(m => m.role === 'monitor'),
  );
  await joinRoom(monitorVat, room.invite, { name: 'operator-monitor', monitor: true });
  t.like(
    (await seen).members.find(m => m.role === 'monitor'),
    { name: 'operator-monitor' },
  );
});
