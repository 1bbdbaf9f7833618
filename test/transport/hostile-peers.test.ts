// What a hostile or confused peer gets: refusals, with the vat still serving
// everyone else.
import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far } from '@endo/far';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { tlsOptions } from '../../captp-transport/credentials.js';
import { loadOrCreateIdentity } from '../../vat/index.js';
import { fixtureVat, tempDir, testVat } from '../helpers.js';

interface Fixture {
  echo<T>(x: T): T;
  sessionEnded(peer: string): string;
}

/** A TLS-authenticated WebSocket to `address` that speaks whatever the test sends. */
const rawClient = async (t: Parameters<typeof tempDir>[0], address: string) => {
  const { credentials } = loadOrCreateIdentity(tempDir(t));
  const ws = new WebSocket(`wss://${address}/`, tlsOptions(credentials));
  ws.on('error', () => {});
  await once(ws, 'open');
  const closed = once(ws, 'close').then(([code]) => code as number);
  return { ws, closed, vatId: credentials.vatId };
};

const stillServes = async (t: Parameters<typeof tempDir>[0], ref: string) => {
  const carol = await testVat(t);
  t.is(
    await E(await carol.fetch<Fixture>(ref)).echo('still here'),
    'still here',
    'the vat still serves others',
  );
};

test('a listener whose key is not the vat id in the sturdy ref is refused', async t => {
  const bob = await fixtureVat(t);
  const mallory = await fixtureVat(t);
  const alice = await testVat(t);
  // Bob's vat id, Mallory's address: Mallory cannot answer for Bob.
  const spoofed = String(bob.ready.control).replace(bob.address, mallory.address);
  await t.throwsAsync(alice.fetch(spoofed), {
    message: new RegExp(
      `^\\[wrong-peer\\] vat ${bob.vatId.slice(0, 8)} at ${mallory.address}: the listener's key is vat ${mallory.vatId.slice(0, 8)}`,
    ),
  });
  t.is(alice.stats().sessions, 0);
});

const badFrames: Array<[string, string | Buffer]> = [
  ['malformed JSON', '{"type":"CTP_CALL",'],
  ['an unknown frame type', JSON.stringify({ type: 'CTP_PWN', epoch: 0 })],
  ['a binary message', Buffer.from([1, 2, 3])],
];
for (const [what, frame] of badFrames) {
  test(`a peer sending ${what} loses its connection; the vat serves others`, async t => {
    const bob = await fixtureVat(t);
    const { ws, closed } = await rawClient(t, bob.address);
    ws.send(frame);
    t.is(await closed, 4000);
    await stillServes(t, String(bob.ready.control));
  });
}

test('an oversized frame is refused at the WebSocket layer (1009); the vat serves others', async t => {
  const bob = await fixtureVat(t, { limits: { maxFrameBytes: 64 * 1024 } });
  const { ws, closed } = await rawClient(t, bob.address);
  ws.send(
    JSON.stringify({
      type: 'CTP_BOOTSTRAP',
      epoch: 0,
      questionID: 'q-1',
      pad: 'x'.repeat(100 * 1024),
    }),
  );
  t.is(await closed, 1009);
  await stillServes(t, String(bob.ready.control));
});

test('a client without a certificate is refused before the upgrade', async t => {
  const bob = await fixtureVat(t);
  const ws = new WebSocket(`wss://${bob.address}/`, { rejectUnauthorized: false });
  ws.on('error', () => {});
  const [, response] = await once(ws, 'unexpected-response');
  t.is(response.statusCode, 401);
  ws.terminate();
  await stillServes(t, String(bob.ready.control));
});

test('an unknown swissnum is refused without echoing it', async t => {
  const bob = await fixtureVat(t);
  const alice = await testVat(t);
  const guess = 'AAAAAAAAAAAAAAAAAAAAAA';
  const ref = String(bob.ready.control).replace(/\/s\/.*/, `/s/${guess}`);
  const error = await t.throwsAsync(alice.fetch(ref), {
    message: `[unknown-ref] vat ${bob.vatId.slice(0, 8)} has no export for the sturdy ref presented by vat ${alice.id.slice(0, 8)}`,
  });
  t.false(error!.message.includes(guess));
  t.false(bob.stderr().includes(guess));
});

test('a burst of bad fetches is rate-limited for that peer only', async t => {
  const bob = await fixtureVat(t, {
    limits: { failedLookupBurst: 5, failedLookupRefillMs: 60_000 },
  });
  const mallory = await testVat(t);
  const guesses = Array.from({ length: 8 }, (_, i) =>
    String(bob.ready.control).replace(/\/s\/.*/, `/s/${String(i).padStart(22, 'A')}`),
  );
  const results = await Promise.allSettled(guesses.map(g => mallory.fetch(g)));
  const messages = results.map(r =>
    r.status === 'rejected' ? (r.reason as Error).message.slice(0, 14) : 'fulfilled',
  );
  t.deepEqual(messages, [...Array(5).fill('[unknown-ref] '), ...Array(3).fill('[rate-limited]')]);
  await t.throwsAsync(
    mallory.fetch(String(bob.ready.control)),
    { message: /^\[rate-limited\]/ },
    'even a good ref waits',
  );
  await stillServes(t, String(bob.ready.control));
});

/** Sends CapTP frames as a hostile peer would, and reports how the vat ends the session. */
const rawSession = async (t: Parameters<typeof tempDir>[0], address: string) => {
  const { ws, closed, vatId } = await rawClient(t, address);
  const frames: Array<Record<string, unknown>> = [];
  const disconnect = new Promise<string>(resolve =>
    ws.on('message', data => {
      const frame = JSON.parse(String(data));
      frames.push(frame);
      if (frame.type === 'CTP_DISCONNECT') resolve(frame.reason);
    }),
  );
  return {
    send: (frame: object) => ws.send(JSON.stringify(frame)),
    disconnect,
    closed,
    ws,
    vatId,
    frames,
  };
};

test('a peer that never drops its answers is cut off at the bound', async t => {
  const bob = await fixtureVat(t, { limits: { maxQuestionsInFlight: 5 } });
  const mallory = await rawSession(t, bob.address);
  for (let n = 1; n <= 6; n += 1)
    mallory.send({ type: 'CTP_BOOTSTRAP', epoch: 0, questionID: `q-${n}` });
  t.is(await mallory.disconnect, '[too-many-questions] peer had us hold more than 5 answers');
  await stillServes(t, String(bob.ready.control));
});

test('one-way calls hold no answers: many of them neither answer nor count toward the bound', async t => {
  const bob = await fixtureVat(t, { limits: { maxQuestionsInFlight: 5 } });
  const mallory = await rawSession(t, bob.address);
  const echo = (questionID?: string) => ({
    type: 'CTP_CALL',
    epoch: 0,
    ...(questionID ? { questionID } : {}),
    target: 'q-1',
    method: { body: JSON.stringify(['echo', ['hi']]), slots: [] },
  });
  mallory.send({ type: 'CTP_BOOTSTRAP', epoch: 0, questionID: 'q-1' });
  for (let n = 0; n < 20; n += 1) mallory.send(echo());
  mallory.send(echo('q-2'));
  await new Promise<void>(resolve => {
    const check = () =>
      mallory.frames.some(f => f.type === 'CTP_RETURN' && f.answerID === 'q-2') && resolve();
    mallory.ws.on('message', check);
    check();
  });
  t.deepEqual(
    mallory.frames.filter(f => f.type === 'CTP_RETURN').map(f => f.answerID),
    ['q-1', 'q-2'],
    'only the bootstrap and the question are answered',
  );
  await stillServes(t, String(bob.ready.control));
});

test('a peer that reuses a question number is cut off', async t => {
  const bob = await fixtureVat(t);
  const mallory = await rawSession(t, bob.address);
  mallory.send({ type: 'CTP_BOOTSTRAP', epoch: 0, questionID: 'q-1' });
  mallory.send({ type: 'CTP_BOOTSTRAP', epoch: 0, questionID: 'q-1' });
  t.is(await mallory.disconnect, '[bad-frame] question 1 does not follow question 1');
});

test('a peer that hands us more references than the bound is cut off', async t => {
  const bob = await fixtureVat(t, { limits: { maxImportsPerSession: 50 } });
  const mallory = await rawSession(t, bob.address);
  const slots = (from: number) => Array.from({ length: 30 }, (_, i) => `o+${from + i}`);
  const args = (n: number) =>
    JSON.stringify([
      'echo',
      [Array.from({ length: n }, (_, i) => ({ '@qclass': 'slot', index: i }))],
    ]);
  mallory.send({ type: 'CTP_BOOTSTRAP', epoch: 0, questionID: 'q-1' });
  mallory.send({
    type: 'CTP_CALL',
    epoch: 0,
    questionID: 'q-2',
    target: 'q-1',
    method: { body: args(30), slots: slots(1) },
  });
  mallory.send({
    type: 'CTP_CALL',
    epoch: 0,
    questionID: 'q-3',
    target: 'q-1',
    method: { body: args(30), slots: slots(31) },
  });
  t.is(await mallory.disconnect, '[too-many-imports] peer handed us more than 50 references');
  await stillServes(t, String(bob.ready.control));
});

test('a frame with more than 1,000 slots is refused', async t => {
  const bob = await fixtureVat(t);
  const mallory = await rawSession(t, bob.address);
  mallory.send({
    type: 'CTP_CALL',
    epoch: 0,
    questionID: 'q-1',
    target: 'o-1',
    method: { body: '[]', slots: Array.from({ length: 1001 }, (_, i) => `o+${i + 1}`) },
  });
  t.regex(await mallory.disconnect, /^\[bad-frame\] .*malformed "method"/);
});

test('a listener with the wrong key is refused as wrong-peer, whatever status it answers', async t => {
  const { createServer } = await import('node:https');
  const { credentials: impostor } = loadOrCreateIdentity(tempDir(t));
  const server = createServer({ ...tlsOptions(impostor), requestCert: true });
  server.on('upgrade', (_req, socket) =>
    socket.end('HTTP/1.1 409 duplicate, honest\r\nContent-Length: 0\r\n\r\n'),
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const bob = await testVat(t);
  const alice = await testVat(t);
  const ref = bob.export(Far('x', {})).replace(bob.address, `127.0.0.1:${port}`);
  await t.throwsAsync(alice.fetch(ref), {
    message: /^\[wrong-peer\] .*the listener's key is vat \w{8}, not the vat id in the reference/,
  });
});

const BLOB_BYTES = 256 * 1024;

/** Drives the fixture behind `ref` over a raw session, as a peer that may stop reading. */
const rawFixtureCalls = async (t: Parameters<typeof tempDir>[0], address: string, ref: string) => {
  const session = await rawSession(t, address);
  let question = 0;
  const call = (target: string, method: string, args: unknown[]) => {
    question += 1;
    session.send({
      type: 'CTP_CALL',
      epoch: 0,
      questionID: `q-${question}`,
      target,
      method: { body: JSON.stringify([method, args]), slots: [] },
    });
  };
  let returned = 0;
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  session.ws.on('message', () => {
    returned = session.frames.filter(f => f.type === 'CTP_RETURN').length;
    for (const w of waiting.filter(w => returned >= w.count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  /** Resolves once `count` answers (CTP_RETURN) have arrived in all. */
  const answers = (count: number) =>
    returned >= count
      ? Promise.resolve()
      : new Promise<void>(resolve => waiting.push({ count, resolve }));
  // q-1 is the gateway, q-2 the fixture fetched from it; later calls pipeline on q-2.
  session.send({ type: 'CTP_BOOTSTRAP', epoch: 0, questionID: 'q-1' });
  question = 1;
  call('q-1', 'fetch', [ref.replace(/.*\/s\//, '')]);
  await answers(2);
  return {
    ...session,
    answers,
    askBlobs(count: number) {
      for (let n = 0; n < count; n += 1) call('q-2', 'blob', [BLOB_BYTES]);
    },
  };
};

test('a peer that stops reading is cut off as stalled; one that reads as much is not; the vat serves others', async t => {
  const limit = 1 << 20;
  const calls = 64; // 16 MiB of replies, more than a new connection's socket buffers take
  const bob = await fixtureVat(t, { limits: { maxBufferedBytes: limit } });
  const ref = String(bob.ready.control);
  const carol = await testVat(t);
  const fixture = await carol.fetch<Fixture>(ref);

  // Alice reads each reply before asking again: the bound is on what waits unsent.
  const alice = await rawFixtureCalls(t, bob.address, ref);
  for (let n = 1; n <= calls; n += 1) {
    alice.askBlobs(1);
    await alice.answers(2 + n);
  }
  t.true(
    alice.frames
      .slice(2)
      .every(f => (f.result as { body?: string } | undefined)?.body?.length === BLOB_BYTES + 2),
    'every reply came whole',
  );
  t.false(
    alice.frames.some(f => f.type === 'CTP_DISCONNECT'),
    'a peer that reads is not cut off',
  );

  const mallory = await rawFixtureCalls(t, bob.address, ref);
  let stalled: string | undefined;
  const ended = E(fixture)
    .sessionEnded(mallory.vatId)
    .then(message => {
      stalled = message;
    });
  // Calls on one session arrive in order: once echo answers, the watch is set.
  await E(fixture).echo('watching');
  mallory.ws.pause();
  // Paced as Alice was (a round trip each), so no single burst of replies passes the bound.
  for (let n = 1; n <= 4 * calls && stalled === undefined; n += 1) {
    mallory.askBlobs(1);
    await E(fixture).echo(n);
  }
  await ended;
  t.is(
    stalled,
    `[peer-stalled] session between ${bob.vatId.slice(0, 8)} and ${mallory.vatId.slice(0, 8)} ended: more than ${limit} bytes queued unread`,
  );
  // What was queued still drains once Mallory reads, and ends with the reason.
  mallory.ws.resume();
  t.is(await mallory.disconnect, `[peer-stalled] more than ${limit} bytes queued unread`);
  t.is(await mallory.closed, 4000);
  await stillServes(t, ref);
});
