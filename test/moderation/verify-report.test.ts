// Report verification against each way a reporter (or anyone) could tamper
// with evidence. Alice reports Mallory; Bob is a bystander whose lines travel
// withheld. Vats share this process; each has its own identity and sessions.
import test from '@endo/ses-ava/prepare-endo.js';
import { hostUnum, joinUnum, chatRoom, type Replica } from '../../unum/index.js';
import {
  sealEnvelope,
  openEnvelope,
  type WireEnvelope,
  type KeptEnvelope,
  type Delivery,
} from '../../presence/index.js';
import { sealReport, type ReportDraft } from '../../moderation/report.js';
import { verifyReport, type Verification } from '../../moderation/verify-report.js';
import { nextEvent, testVat } from '../helpers.js';
import type { ChatState } from '../../unum/chat-room.js';
import type { SignedSnapshot } from '../../unum/index.js';

type Member = Replica<ChatState>;

const setUp = async (t: Parameters<typeof testVat>[0]) => {
  const [hostVat, aliceVat, bobVat, malloryVat] = await Promise.all([
    testVat(t),
    testVat(t),
    testVat(t),
    testVat(t),
  ]);
  const hosted = await hostUnum(hostVat, chatRoom, { name: 'lobby' });
  const alice = await joinUnum(aliceVat, chatRoom, hosted.invite, { name: 'alice' });
  const bob = await joinUnum(bobVat, chatRoom, hosted.invite, { name: 'bob' });
  const mallory = await joinUnum(malloryVat, chatRoom, hosted.invite, { name: 'mallory' });
  t.teardown(() => {
    for (const m of [alice, bob, mallory]) m.close();
  });
  const say = async (who: Member, text: string) => {
    const heard = nextEvent<Delivery>(
      l => alice.presence.on('message', l),
      d => d.envelope.wire.content === text,
    );
    who.presence.send('all', 'chat', text);
    await heard;
  };
  await say(bob, 'hi all');
  await say(mallory, 'you are all idiots');
  await say(alice, 'please stop');
  await say(bob, 'calm down');
  await say(mallory, 'make me');
  await say(mallory, 'and one more thing');
  const mine = () => alice.presence.window();
  const draft = (window: readonly KeptEnvelope[] = mine()): ReportDraft => ({
    room: alice.room,
    epoch: alice.snapshot().epoch,
    reporter: aliceVat.id,
    accused: [malloryVat.id],
    category: 'harassment',
    note: 'see flagged',
    trigger: { kind: 'panic' },
    flagged: window.filter(k => k.envelope.header.author === malloryVat.id).map(k => k.envelope.id),
    window,
    roster: alice.signedSnapshot() as SignedSnapshot,
  });
  const verify = (signed: ReturnType<typeof sealReport>, reporter = aliceVat.id): Verification =>
    verifyReport(signed, { reporter, host: hostVat.id });
  /** Alice's window with one item replaced: the reporter tampering before she signs. */
  const edited = (change: (wires: WireEnvelope[]) => WireEnvelope[]) =>
    change(mine().map(k => k.envelope.wire)).map(wire => ({
      envelope: openEnvelope(wire),
      receivedAt: 0,
    }));
  const sealByAlice = (d: ReportDraft) => sealReport(d, m => aliceVat.sign(m));
  return {
    hostVat,
    aliceVat,
    bobVat,
    malloryVat,
    alice,
    bob,
    mallory,
    mine,
    draft,
    verify,
    edited,
    sealByAlice,
    say,
    hosted,
  };
};

const codes = (v: Verification) => v.problems.map(p => p.code);

test("an honest report verifies, with the bystander's lines withheld but counted", async t => {
  const { draft, verify, sealByAlice, bobVat } = await setUp(t);
  const v = verify(sealByAlice(draft()));
  t.is(v.verdict, 'verified', JSON.stringify(v.problems));
  t.is(v.items.length, 6);
  t.true(v.items.every(i => i.ok));
  t.deepEqual(
    v.items.filter(i => !i.disclosed).map(i => i.author),
    [bobVat.id, bobVat.id],
  );
  t.is(
    v.report!.window.filter(w => w.content !== undefined).length,
    4,
    "mallory's and alice's lines disclosed",
  );
});

test('edited content is caught: bad-content', async t => {
  const { draft, verify, sealByAlice, edited, malloryVat } = await setUp(t);
  const window = edited(wires =>
    wires.map(w =>
      openEnvelope(w).header.author === malloryVat.id
        ? { ...w, content: 'I said nothing wrong' }
        : w,
    ),
  );
  const v = verify(sealByAlice(draft(window)));
  t.is(v.verdict, 'partial');
  t.is(codes(v).filter(c => c === 'bad-content').length, 3, 'each edited line');
  t.true(v.items.filter(i => i.author === malloryVat.id).every(i => !i.ok));
});

test('a re-signed edit (new body hash, signed by the reporter) is caught: bad-signature', async t => {
  const { draft, verify, sealByAlice, edited, malloryVat, aliceVat } = await setUp(t);
  const window = edited(wires =>
    wires.map(w => {
      const e = openEnvelope(w);
      if (e.header.author !== malloryVat.id || e.header.seq !== 2) return w;
      const forged = sealEnvelope(
        { ...e.header, author: e.header.author },
        'something far worse',
        m => aliceVat.sign(m),
      );
      return forged.wire;
    }),
  );
  const v = verify(sealByAlice(draft(window)));
  t.is(v.verdict, 'partial');
  t.like(v.problems[0], { code: 'bad-signature', author: malloryVat.id, seq: 2 });
});

test('an omitted middle message is caught: omission', async t => {
  const { draft, verify, sealByAlice, edited, malloryVat } = await setUp(t);
  const window = edited(wires =>
    wires.filter(
      w => !(openEnvelope(w).header.author === malloryVat.id && openEnvelope(w).header.seq === 2),
    ),
  );
  const v = verify(sealByAlice(draft(window)));
  t.is(v.verdict, 'partial');
  t.like(v.problems[0], { code: 'omission', author: malloryVat.id, seq: 2 });
});

test('reordering is caught: reordered', async t => {
  const { draft, verify, sealByAlice, edited } = await setUp(t);
  const window = edited(wires => [...wires].reverse());
  const v = verify(sealByAlice(draft(window)));
  t.is(v.verdict, 'partial');
  t.true(codes(v).includes('reordered'));
});

test('an envelope replayed from another room is caught: wrong-room', async t => {
  const { draft, verify, sealByAlice, edited, malloryVat, hosted } = await setUp(t);
  void hosted;
  const stray = sealEnvelope(
    {
      room: 'back-room~xyz',
      epoch: 1,
      author: malloryVat.id,
      seq: 1,
      prev: '0'.repeat(64),
      ts: Date.now(),
      heads: [],
      kind: 'chat',
    },
    'said elsewhere',
    m => malloryVat.sign(m),
  );
  const window = edited(wires => [...wires, stray.wire]);
  const v = verify(sealByAlice(draft(window)));
  t.is(v.verdict, 'partial');
  t.like(v.problems[0], { code: 'wrong-room', author: malloryVat.id });
});

test('a participant removed from the window is caught: omission', async t => {
  const { draft, verify, sealByAlice, edited, bobVat } = await setUp(t);
  const window = edited(wires => wires.filter(w => openEnvelope(w).header.author !== bobVat.id));
  const v = verify(sealByAlice(draft(window)));
  t.is(v.verdict, 'partial');
  t.like(
    v.problems.find(p => p.code === 'omission'),
    { author: bobVat.id },
  );
});

test('a spoofed reporter is rejected', async t => {
  const { draft, verify, sealByAlice, aliceVat, bobVat } = await setUp(t);
  const namesBob = sealByAlice({ ...draft(), reporter: bobVat.id });
  t.regex(verify(namesBob, bobVat.id).rejected!, /^\[bad-report\] signature of the reporter/);
  const bobsOwn = sealReport({ ...draft(), reporter: bobVat.id }, m => bobVat.sign(m));
  const v = verify(bobsOwn, aliceVat.id);
  t.is(v.verdict, 'rejected');
  t.regex(
    v.rejected!,
    /^\[spoofed-reporter\] the report names \w{8} but came through the facet of \w{8}/,
  );
});

test('equivocation by the accused is a finding, and the report still verifies', async t => {
  const { draft, verify, sealByAlice, mallory, malloryVat, alice, aliceVat } = await setUp(t);
  const last = mallory.presence
    .window()
    .filter(k => k.envelope.header.author === malloryVat.id)
    .at(-1)!.envelope;
  const fork = (text: string) =>
    sealEnvelope(
      { ...last.header, seq: last.header.seq + 1, prev: last.id, ts: Date.now(), heads: [] },
      text,
      m => malloryVat.sign(m),
    );
  const [yes, no] = [fork('I agree'), fork('I never agreed')];
  const caught = nextEvent<unknown>(
    l => alice.presence.on('equivocation', l),
    () => true,
  );
  mallory.presence.forward(aliceVat.id, yes.wire);
  mallory.presence.forward(aliceVat.id, no.wire);
  await caught;
  const v = verify(sealByAlice(draft()));
  t.is(v.verdict, 'verified', JSON.stringify(v.problems));
  t.like(v.findings[0], { code: 'equivocation', author: malloryVat.id, seq: last.header.seq + 1 });
});
