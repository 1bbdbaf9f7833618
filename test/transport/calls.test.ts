// Calls between vats in separate processes: results, errors, pipelining,
// broken references, restarts.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import type { FrameEvent } from '../../captp-transport/index.js';
import { fixtureVat, testVat, tempDir } from '../helpers.js';

interface Child {
  label(): string;
  makeChild(label: string): Child;
}
interface Fixture {
  echo<T>(x: T): T;
  blob(bytes: number): string;
  fail(message: string): never;
  hang(): Promise<never>;
  makeChild(label: string): Child;
}

test('E() calls reach an object in another process and return its result', async t => {
  const bob = await fixtureVat(t);
  const alice = await testVat(t);
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  t.deepEqual(await E(fixture).echo({ text: 'hello', n: 42n, list: [1, 'two'] }), {
    text: 'hello',
    n: 42n,
    list: [1, 'two'],
  });
});

test('a pipelined chain of three calls costs one round trip', async t => {
  const bob = await fixtureVat(t);
  const frames: FrameEvent[] = [];
  const alice = await testVat(t, { onFrame: event => frames.push(event) });
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  frames.length = 0;
  const label = await E(E(E(fixture).makeChild('a')).makeChild('b')).label();
  t.is(label, 'a/b');
  const calls = frames.filter(f => f.direction === 'out' && f.type === 'CTP_CALL');
  const firstIn = frames.findIndex(f => f.direction === 'in');
  t.is(calls.length, 3);
  t.true(
    frames.slice(0, firstIn).filter(f => f.type === 'CTP_CALL').length === 3,
    'all three calls left before anything came back',
  );
});

test('with calls in flight, answered questions are dropped on later frames, and the callee keeps no answers', async t => {
  const bob = await fixtureVat(t);
  const frames: FrameEvent[] = [];
  const alice = await testVat(t, { onFrame: event => frames.push(event) });
  const fixture = await alice.fetch<Fixture & { stats(): ReturnType<typeof alice.stats> }>(
    String(bob.ready.control),
  );
  frames.length = 0;
  // 20 callers, 10 calls each, one after another: the answers of one turn make the next calls.
  const callers = Array.from({ length: 20 }, async (_, c) => {
    for (let i = 0; i < 10; i += 1) t.is(await E(fixture).echo(c * 100 + i), c * 100 + i);
  });
  await Promise.all(callers);
  const out = (type: string) => frames.filter(f => f.direction === 'out' && f.type === type).length;
  t.is(out('CTP_CALL'), 200);
  t.true(out('CTP_DROP') < 100, `${out('CTP_DROP')} drop frames for 200 answers`);
  // Every answer was released: the last drops left at the end of their turn.
  const held = async () =>
    (await E(fixture).stats()).peers.find(p => p.peer === alice.id)!.questionsInFlight;
  t.is(await held(), 1, 'only the stats call itself is held while it is answered');
});

test('a remote error arrives with its message', async t => {
  const bob = await fixtureVat(t);
  const alice = await testVat(t);
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  await t.throwsAsync(E(fixture).fail('the room is full'), { message: 'the room is full' });
  const mistyped = await alice.fetch<{ nope(): void }>(String(bob.ready.control));
  await t.throwsAsync(E(mistyped).nope(), { message: /has no method "nope"/ });
  t.false(
    /Temporary logging of sent error/.test(bob.stderr()),
    'the callee does not log every error it sends',
  );
  t.is(bob.stderr(), '');
});

test('when a peer dies, pending calls reject with an error naming it, and so do later calls', async t => {
  const bob = await fixtureVat(t);
  const alice = await testVat(t);
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  const pending = E(fixture).hang();
  const broken = new Promise<Error>(resolve => alice.onBroken(fixture, resolve));
  await E(fixture).echo('round trip, so the hang call has been delivered');
  await bob.kill();
  const reason = await broken;
  t.regex(
    reason.message,
    new RegExp(
      `^\\[connection-lost\\] session between ${alice.id.slice(0, 8)} and ${bob.vatId.slice(0, 8)} ended`,
    ),
  );
  await t.throwsAsync(pending, { message: reason.message });
  await t.throwsAsync(E(fixture).echo('still there?'), { message: reason.message });
  t.is(alice.stats().sessions, 0);
});

test('a restarted vat is reachable again through the same sturdy ref', async t => {
  const dataDir = tempDir(t);
  const bob = await fixtureVat(t, { dataDir });
  const ref = String(bob.ready.control);
  const alice = await testVat(t);
  t.is(await E(await alice.fetch<Fixture>(ref)).echo(1), 1);
  await bob.stop();
  const bobAgain = await fixtureVat(t, { dataDir, listen: bob.address });
  t.is(bobAgain.vatId, bob.vatId, 'same identity');
  t.is(bobAgain.ready.control, ref, 'the named export is bound under the same swissnum');
  t.is(await E(await alice.fetch<Fixture>(ref)).echo(2), 2);
});

test('a vat restarted with port 0 takes its previous port, so old sturdy refs still work', async t => {
  const dataDir = tempDir(t);
  const bob = await fixtureVat(t, { dataDir });
  await bob.stop();
  const bobAgain = await fixtureVat(t, { dataDir });
  t.is(bobAgain.address, bob.address);
});

test('a result too large for one frame fails that call alone; the session goes on', async t => {
  const bob = await fixtureVat(t);
  const alice = await testVat(t);
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  await t.throwsAsync(E(fixture).blob(2 * 1024 * 1024), {
    message: /^\[too-large\] a \d+-byte message exceeds the 1048576-byte frame limit$/,
  });
  await t.throwsAsync(
    E(fixture).echo('y'.repeat(2 * 1024 * 1024)),
    { message: /^\[too-large\]/ },
    'and so does a call too large to send',
  );
  t.is(await E(fixture).echo('small'), 'small');
  t.is(alice.stats().sessions, 1);
});
