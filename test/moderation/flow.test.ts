// The moderation flow end to end: a member reports through its own facet, the
// service verifies and archives it and answers with a signed receipt, an
// auditor acts, the action is logged before the room carries it out, and the
// room refuses anything that was not logged. Vats share this process; each
// has its own identity and sessions.
import test from '@endo/ses-ava/prepare-endo.js';
import { E, type ERef } from '@endo/far';
import { joinRoom, type ChatMessage, type Vat } from '../../index.js';
import {
  createModeratedRoom,
  moderatedMember,
  sealReport,
  signAction,
  startModeration,
  verifyReceipt,
  type ModerationEvents,
  type Receipt,
  type ReportFacet,
} from '../../moderation/index.js';
import type { KeptEnvelope } from '../../presence/index.js';
import { joinRoom as joinChatRoom, type MemberContext } from '../../unum/index.js';
import { nextEvent, testVat } from '../helpers.js';
import type { SignedSnapshot } from '../../unum/index.js';

interface Auditor {
  whoami(): { label: string; role: string };
  list(): Array<{ caseId: string; priority: number; accused: string[]; reports: number }>;
  show(caseId: string): {
    reports: Array<{ verdict: string; reporter: string; reportId: string; entry: number }>;
    actions: unknown[];
  };
  log(from: number, count: number): Array<{ index: number; kind: string; body: string }>;
  verify(reportId: string): { items: Array<{ position: number; id?: string; ok: boolean }> };
  act(signed: { action: string; sig: string }): Receipt;
  annotate(caseId: string, note: string): Receipt;
}
interface SubmitResult {
  verdict: string;
  caseId: string;
  duplicate: boolean;
  receipt: Receipt;
  problems: string[];
}

const setUp = async (t: Parameters<typeof testVat>[0], limits = {}) => {
  const [operatorVat, hostVat, aliceVat, bobVat, malloryVat, anaVat] = await Promise.all(
    Array.from({ length: 6 }, () => testVat(t)),
  );
  const mod = await startModeration(operatorVat, { limits });
  t.teardown(() => mod.close());
  const room = await createModeratedRoom(hostVat, { name: 'lobby', moderation: mod.reportInbox });
  t.teardown(() => room.close());
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  const bob = await joinRoom(bobVat, room.invite, { name: 'bob' });
  const mallory = await joinRoom(malloryVat, room.invite, { name: 'mallory' });
  const heardBy = (who: typeof alice, text: string) =>
    nextEvent<ChatMessage>(
      l => who.on('message', l),
      m => m.text === text,
    );
  const said = heardBy(alice, 'you are all idiots');
  const saidToBob = heardBy(bob, 'you are all idiots');
  await mallory.say('you are all idiots');
  const line = await said;
  await saidToBob;
  return {
    mod,
    room,
    alice,
    bob,
    mallory,
    line,
    operatorVat,
    hostVat,
    aliceVat,
    bobVat,
    malloryVat,
    anaVat,
  };
};

test('a member reports through its own facet and gets a verdict and a receipt signed by the operator', async t => {
  const { alice, line, mod, operatorVat } = await setUp(t);
  const result = (await alice.report({
    category: 'harassment',
    note: 'see the flagged line',
    flagged: [line.id],
  })) as SubmitResult;
  t.is(result.verdict, 'verified', JSON.stringify(result.problems));
  t.like(verifyReceipt(result.receipt, operatorVat.id), {
    operator: operatorVat.id,
    size: mod.archive.size(),
  });
});

test('an auditor with act rights kicks the accused; the action is logged first and every presence drops her', async t => {
  const { alice, bob, mallory, line, mod, anaVat, malloryVat, room } = await setUp(t);
  const { caseId } = (await alice.report({
    category: 'harassment',
    flagged: [line.id],
  })) as SubmitResult;
  const ana = await anaVat.fetch<Auditor>(mod.grant('act', { label: 'ana' }));
  const [top] = await E(ana).list();
  t.like(top, { caseId, priority: 1, accused: [malloryVat.id] });
  // The log's size at the moment the kick reaches Mallory: the room kicks, and
  // tells her, before the enforcer's apply returns, so an action appended
  // after its effect would not be in it yet.
  let logSizeWhenRemoved = -1;
  const removed = nextEvent<{ reason: string }>(
    l =>
      mallory.on('removed', event => {
        logSizeWhenRemoved = mod.archive.size();
        l(event);
      }),
    () => true,
  );
  const bobSees = nextEvent<{ members: Array<{ name: string }> }>(
    l => bob.on('roster', l),
    r => !r.members.some(m => m.name === 'mallory'),
  );
  const action = signAction(
    {
      caseId,
      room: room.room,
      action: 'kick',
      target: malloryVat.id,
      durationMs: 0,
      reason: 'harassment of members',
      auditor: anaVat.id,
    },
    m => anaVat.sign(m),
  );
  const receipt = await E(ana).act(action);
  t.is((await mod.archive.entry(receipt.index))!.kind, 'action');
  t.regex((await removed).reason, /^kicked: harassment of members \(case .*, auditor ana\)$/);
  t.true(
    receipt.index < logSizeWhenRemoved,
    `in the log before it took effect (entry ${receipt.index}, log size ${logSizeWhenRemoved} at the kick)`,
  );
  await bobSees;
  t.deepEqual(
    alice.roster().map(m => m.name),
    ['alice', 'bob'],
  );
});

test('the room refuses an action that was not logged, and a receipt used twice', async t => {
  const { room, malloryVat, anaVat, mod, alice, line } = await setUp(t);
  const { caseId } = (await alice.report({
    category: 'harassment',
    flagged: [line.id],
  })) as SubmitResult;
  const signed = signAction(
    {
      caseId,
      room: room.room,
      action: 'mute',
      target: malloryVat.id,
      durationMs: 0,
      reason: 'no',
      auditor: anaVat.id,
    },
    m => anaVat.sign(m),
  );
  const body = { caseId, label: 'ana', signed };
  const someReceipt = (await alice.report({ category: 'other', flagged: [] })) as SubmitResult;
  await t.throwsAsync(room.enforcer.apply(body, someReceipt.receipt), {
    message: /^\[not-logged\] room "lobby" applies only logged actions: \[bad-receipt\]/,
  });
  const logged = await mod.archive.append('action', body);
  await room.enforcer.apply(body, logged);
  await t.throwsAsync(room.enforcer.apply(body, logged), { message: /^\[already-applied\]/ });
});

test('an auditor re-verifies an archived report from the log, item by item', async t => {
  const { alice, line, mod, anaVat, malloryVat } = await setUp(t);
  const { caseId } = (await alice.report({
    category: 'harassment',
    flagged: [line.id],
  })) as SubmitResult;
  const ana = await anaVat.fetch<{
    show(id: string): { reports: Array<{ reportId: string }> };
    verify(id: string): {
      verdict: string;
      items: Array<{ author: string; ok: boolean; disclosed: boolean }>;
    };
  }>(mod.grant('triage', { label: 'ana' }));
  const { reports } = await E(ana).show(caseId);
  const checked = await E(ana).verify(reports[0]!.reportId);
  t.is(checked.verdict, 'verified');
  t.true(checked.items.every(i => i.ok));
  t.true(checked.items.some(i => i.author === malloryVat.id && i.disclosed));
});

test('a revoked auditor is refused', async t => {
  const { mod, anaVat } = await setUp(t);
  const ana = await anaVat.fetch<Auditor>(mod.grant('triage', { label: 'ana' }));
  t.like(await E(ana).whoami(), { label: 'ana', role: 'triage' });
  await mod.revoke('ana');
  await t.throwsAsync(E(ana).list(), { message: '[revoked] auditor "ana" was revoked' });
  const kinds = [];
  for (let i = 0; i < mod.archive.size(); i += 1) kinds.push((await mod.archive.entry(i))!.kind);
  t.deepEqual(kinds.slice(-2), ['auditor-granted', 'auditor-revoked']);
});

test('a triage auditor cannot act', async t => {
  const { mod, anaVat } = await setUp(t);
  const ana = await anaVat.fetch<Auditor>(mod.grant('triage', { label: 'ana' }));
  await t.throwsAsync(E(ana).act({ action: '{}', sig: 'x' }), { message: /has no method "act"/ });
});

test('report floods: a member is rate-limited, repeats are merged, priority counts distinct reporters', async t => {
  const { alice, bob, line, mod, anaVat } = await setUp(t, { reportBurst: 2 });
  const first = (await alice.report({
    category: 'harassment',
    flagged: [line.id],
  })) as SubmitResult;
  const again = (await alice.report({
    category: 'harassment',
    flagged: [line.id],
  })) as SubmitResult;
  t.true(again.duplicate);
  t.is(again.caseId, first.caseId);
  await t.throwsAsync(alice.report({ category: 'harassment', flagged: [line.id] }), {
    message: /^\[rate-limited\] too many reports from \w{8}/,
  });
  await bob.report({ category: 'harassment', flagged: [line.id] });
  const ana = await anaVat.fetch<Auditor>(mod.grant('triage', { label: 'ana' }));
  t.like((await E(ana).list())[0], { caseId: first.caseId, priority: 2, reports: 3 });
});

test('forged, non-canonical and misdirected actions are refused, and nothing is logged for them', async t => {
  const { alice, line, mod, anaVat, malloryVat, bobVat, room } = await setUp(t);
  const { caseId } = (await alice.report({ category: 'spam', flagged: [line.id] })) as SubmitResult;
  const ana = await anaVat.fetch<Auditor>(mod.grant('act', { label: 'ana' }));
  const fields = {
    caseId,
    room: room.room,
    action: 'kick' as const,
    target: malloryVat.id,
    durationMs: 0,
    reason: 'spam',
    auditor: anaVat.id,
  };
  const logged = async () => {
    const { size, root } = JSON.parse((await mod.archive.checkpoint()).checkpoint);
    return { size, root };
  };
  const before = await logged();
  // Signed by Bob's vat but naming Ana as the auditor.
  const forged = signAction(fields, m => bobVat.sign(m));
  await t.throwsAsync(E(ana).act(forged), {
    message: /^\[bad-action\] the signature of auditor \w+ does not hold/,
  });
  // Ana's signature over a text that is not canonical (a space added).
  const honest = signAction(fields, m => anaVat.sign(m));
  const spaced = honest.action.replace('{', '{ ');
  const { signWithDomain } = await import('../../captp-transport/index.js');
  const { ACTION_DOMAIN } = await import('../../moderation/action.js');
  await t.throwsAsync(
    E(ana).act({ action: spaced, sig: signWithDomain(ACTION_DOMAIN, spaced, m => anaVat.sign(m)) }),
    { message: '[bad-action] not in canonical form' },
  );
  // An action for another room than the case's.
  await t.throwsAsync(
    E(ana).act(signAction({ ...fields, room: 'elsewhere~AAAAAAAAAAAA' }, m => anaVat.sign(m))),
    { message: /^\[bad-action\] case \S+ is about room lobby~/ },
  );
  t.deepEqual(await logged(), before, 'none of them reached the log');
  t.true(
    alice.roster().some(m => m.name === 'mallory'),
    'and mallory is still in the room',
  );
});

test('an act auditor whose grant is revoked can no longer act', async t => {
  const { alice, line, mod, anaVat, malloryVat, room } = await setUp(t);
  const { caseId } = (await alice.report({ category: 'spam', flagged: [line.id] })) as SubmitResult;
  const ana = await anaVat.fetch<Auditor>(mod.grant('act', { label: 'ana' }));
  await mod.revoke('ana');
  const action = signAction(
    {
      caseId,
      room: room.room,
      action: 'mute',
      target: malloryVat.id,
      durationMs: 0,
      reason: 'spam',
      auditor: anaVat.id,
    },
    m => anaVat.sign(m),
  );
  await t.throwsAsync(E(ana).act(action), { message: /^\[revoked\]/ });
  t.false(alice.roster().find(m => m.name === 'mallory')!.muted);
});

/**
 * Trudy, a member with moderation like any other, whose context the test
 * keeps: she seals reports by hand and submits them through her own report
 * facet, the one the host introduced to her.
 */
const joinAsForger = async (vat: Vat, invite: string) => {
  let context!: MemberContext<ModerationEvents>;
  const member = await joinChatRoom(vat, invite, {
    name: 'trudy',
    extension: harden({
      attach: (c: MemberContext<ModerationEvents>) => {
        context = c;
        return moderatedMember.attach(c);
      },
    }),
  });
  const facet = await vat.redeem<ReportFacet>(context.services().report!);
  const seal = (window: KeptEnvelope[], accused: string[], flagged: string[]) =>
    sealReport(
      {
        room: context.room,
        epoch: context.snapshot().epoch,
        reporter: vat.id,
        accused,
        category: 'threat',
        trigger: { kind: 'panic' },
        flagged,
        window,
        roster: context.signedSnapshot() as SignedSnapshot,
      },
      m => vat.sign(m),
    );
  return { member, facet, seal };
};

/** Reads back the archive entry a receipt is for, and checks the receipt against it. */
const archived = async (
  t: Parameters<typeof testVat>[0],
  auditor: ERef<Auditor>,
  receipt: Receipt,
  operator: string,
) => {
  const [entry] = await E(auditor).log(receipt.index, 1);
  t.is(entry!.kind, 'report');
  const body = JSON.parse(entry!.body);
  t.notThrows(() => verifyReceipt(receipt, operator, { kind: 'report', body }));
  return body as {
    verdict: string;
    problems: Array<{ code: string }>;
    signed: { report: string; sig: string };
  };
};

test('a report whose disclosed line was edited after signing is archived as partial (bad-content); the service still verifies an honest one', async t => {
  const { room, alice, aliceVat, mod, anaVat, operatorVat } = await setUp(t);
  const trudyVat = await testVat(t);
  const trudy = await joinAsForger(trudyVat, room.invite);
  t.teardown(() => trudy.member.close());
  const heard = nextEvent<ChatMessage>(
    l => trudy.member.on('message', l),
    m => m.text === 'good morning',
  );
  await alice.say('good morning');
  const line = await heard;
  // Trudy frames Alice: the line's content is rewritten; its author's signature still names the old body.
  const edited = trudy.member.window().map(k =>
    k.envelope.id === line.id
      ? {
          ...k,
          envelope: { ...k.envelope, wire: { ...k.envelope.wire, content: 'I will find you' } },
        }
      : k,
  );
  const signed = trudy.seal(edited, [aliceVat.id], [line.id]);
  const result = (await E(trudy.facet).submit(signed)) as SubmitResult;
  t.is(result.verdict, 'partial');
  t.deepEqual(result.problems, ['bad-content', 'unknown-flagged']);

  const ana = await anaVat.fetch<Auditor>(mod.grant('triage', { label: 'ana' }));
  const body = await archived(t, ana, result.receipt, operatorVat.id);
  t.deepEqual(body.signed, signed, 'the report as it came is archived');
  t.like(body, { verdict: 'partial' });
  t.deepEqual(
    body.problems.map(p => p.code),
    ['bad-content', 'unknown-flagged'],
  );
  const { reports } = await E(ana).show(result.caseId);
  t.like(reports, [{ verdict: 'partial', reporter: trudyVat.id, entry: result.receipt.index }]);

  const honest = (await trudy.member.report({
    category: 'threat',
    accused: [aliceVat.id],
    flagged: [line.id],
  })) as SubmitResult;
  t.is(honest.verdict, 'verified', JSON.stringify(honest.problems));
  t.like(await archived(t, ana, honest.receipt, operatorVat.id), { verdict: 'verified' });
});

test('a report that replays one envelope twice in its window is archived as partial (duplicate-item); the service still verifies an honest one', async t => {
  const { room, mallory, mod, anaVat, operatorVat, malloryVat } = await setUp(t);
  const trudyVat = await testVat(t);
  const trudy = await joinAsForger(trudyVat, room.invite);
  t.teardown(() => trudy.member.close());
  const heard = nextEvent<ChatMessage>(
    l => trudy.member.on('message', l),
    m => m.text === 'shut up',
  );
  await mallory.say('shut up');
  const line = await heard;
  // Mallory said it once; the window shows it said again at the end.
  const window = trudy.member.window();
  const once = window.find(k => k.envelope.id === line.id)!;
  const signed = trudy.seal([...window, once], [malloryVat.id], [line.id]);
  const result = (await E(trudy.facet).submit(signed)) as SubmitResult;
  t.is(result.verdict, 'partial');
  t.deepEqual(result.problems, ['duplicate-item']);

  const ana = await anaVat.fetch<Auditor>(mod.grant('triage', { label: 'ana' }));
  const body = await archived(t, ana, result.receipt, operatorVat.id);
  t.deepEqual(body.signed, signed);
  t.deepEqual(
    body.problems.map(p => p.code),
    ['duplicate-item'],
  );
  const checked = await E(ana).verify(JSON.parse(signed.report).reportId);
  t.like(checked.items.at(-1), { position: window.length, id: line.id, ok: false });
  t.true(
    checked.items.slice(0, -1).every(i => i.ok),
    'the first copy and the rest stand',
  );

  const honest = (await trudy.member.report({
    category: 'threat',
    flagged: [line.id],
  })) as SubmitResult;
  t.is(honest.verdict, 'verified', JSON.stringify(honest.problems));
  t.like(await archived(t, ana, honest.receipt, operatorVat.id), { verdict: 'verified' });
});
