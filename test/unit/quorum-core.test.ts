// Replica cores of one room on a manual clock and a simulated network
// (test/fixtures/quorum-net.ts): majority-rule order, co-signed snapshots,
// halted, lying, dropping and equivocating replicas, skewed clocks and a
// restart. Deterministic: every timer runs on the test's clock.
import test from '@endo/ses-ava/prepare-endo.js';
import type { VatId } from '../../captp-transport/index.js';
import { makeSigner } from '../fuzz/mutate.js';
import { makeManualClock } from '../fixtures/manual-clock.js';
import { genesisOf, makeMemoryStore, makeQuorumNet, type Signer } from '../fixtures/quorum-net.js';
import { openCertified, replicaIds, type QuorumSnapshot } from '../../unum/quorum/certified.js';
import { checkEvidence, type Evidence } from '../../unum/quorum/evidence.js';
import type { Decide, ReplicaCore } from '../../unum/quorum/replica-core.js';
import { signRequest } from '../../unum/quorum/request.js';
import { signTimeslot } from '../../unum/quorum/timeslot.js';
import { DEFAULT_QUORUM_TIMERS } from '../../unum/quorum/timers.js';

interface Log {
  log: string[];
}
const ROOM = 'lobby~quorumtest';
/** Appends the request's content; refuses "refuse". */
const append: Decide<Log> = (tip, request) =>
  request.request.content === 'refuse'
    ? { refused: '[request-refused] no' }
    : { next: { ...tip, state: { log: [...tip.state.log, request.request.content] } } };
/** A cheater's rule: writes what it likes. */
const forge: Decide<Log> = tip => ({
  next: { ...tip, state: { log: [...tip.state.log, 'forged'] } },
});

const setup = (
  k: number,
  opts: { decide?: (i: number) => Decide<Log>; skew?: (i: number) => number } = {},
) => {
  const clock = makeManualClock();
  const net = makeQuorumNet<Log>(clock);
  const signers: Signer[] = Array.from({ length: k }, () => makeSigner());
  const genesis = genesisOf<Log>(signers, { log: [] });
  const stores = signers.map(() => makeMemoryStore());
  const start = (i: number) =>
    net.start(signers[i]!, {
      decide: opts.decide?.(i) ?? append,
      store: stores[i]!,
      genesis,
      clock: clock.skewed(opts.skew?.(i) ?? 0),
    });
  const cores = signers.map((_, i) => start(i));
  const member = makeSigner();
  const submit = (content: string, to: number[] = signers.map((_, i) => i)) => {
    const { signed, id } = signRequest(
      { room: ROOM, kind: 'append', author: member.id, content, ts: clock.now() },
      member.sign,
    );
    for (const i of to) net.cores.get(signers[i]!.id)!.submit(signed); // the running one, after a restart too
    return id;
  };
  const logOf = (i: number) => net.cores.get(signers[i]!.id)!.snapshot().state.log;
  const evidence: Evidence[] = [];
  for (const core of cores) core.on('evidence', e => void evidence.push(e));
  return { clock, net, signers, genesis, stores, cores, start, submit, logOf, evidence };
};

test('k = 3: every replica applies the requests in one order and holds the same certified snapshots', async t => {
  const { clock, cores, submit, logOf, signers, genesis } = setup(3);
  const decided: string[] = [];
  cores[0]!.on(
    'decided',
    d => void decided.push(d.refused ? `refused ${d.id}` : `applied ${d.id}`),
  );
  const a = submit('a');
  await clock.advance(5);
  const refused = submit('refuse');
  await clock.advance(5);
  const b = submit('b');
  await clock.advance(500);
  for (let i = 0; i < 3; i++) t.deepEqual(logOf(i), ['a', 'b']);
  t.deepEqual(decided, [`applied ${a}`, `refused ${refused}`, `applied ${b}`]);
  const texts = cores.map(c => c.certified().snapshot);
  t.is(new Set(texts).size, 1, 'one text at cseq 2');
  const trusted = replicaIds(
    openCertified<Log>(
      genesis,
      signers.map(s => s.id),
    ),
  );
  const held = openCertified<Log>(cores[1]!.certified(), trusted);
  t.is(held.cseq, 2);
  t.is(held.request, b);
});

test('the order follows the majority of arrival times, whatever order one replica saw', async t => {
  const { clock, submit, logOf } = setup(3);
  // x reaches replicas 0 and 1 first; y reaches replica 2 first, and the others later.
  submit('x', [0, 1]);
  submit('y', [2]);
  await clock.advance(3);
  submit('y', [0, 1]);
  submit('x', [2]);
  await clock.advance(500);
  for (let i = 0; i < 3; i++) t.deepEqual(logOf(i), ['x', 'y']);
});

test('one replica halted: the others ignore it after T_timeout + T_req_timeout and go on', async t => {
  const { clock, net, signers, cores, submit, logOf } = setup(3);
  const ignored: VatId[] = [];
  cores[0]!.on('ignored', ({ replica }) => void ignored.push(replica));
  await clock.advance(100);
  net.kill(signers[2]!.id);
  submit('a', [0, 1]);
  const { timeoutMs, requestTimeoutMs } = DEFAULT_QUORUM_TIMERS;
  await clock.advance(timeoutMs);
  t.deepEqual(logOf(0), [], 'still waiting for the halted one');
  await clock.advance(requestTimeoutMs + 200);
  t.deepEqual(ignored, [signers[2]!.id]);
  t.deepEqual(logOf(0), ['a']);
  t.deepEqual(logOf(1), ['a']);
  submit('b', [0, 1]);
  await clock.advance(200);
  t.deepEqual(logOf(1), ['a', 'b'], 'while it is ignored, no waiting');
});

test('two of three halted: nothing is decided; one back, it catches up and the room goes on', async t => {
  const { clock, net, signers, submit, logOf, start } = setup(3);
  submit('a');
  await clock.advance(300);
  net.kill(signers[1]!.id);
  net.kill(signers[2]!.id);
  submit('b', [0]);
  await clock.advance(5_000);
  t.deepEqual(logOf(0), ['a'], 'no majority, no change');
  start(1);
  await clock.advance(2_000);
  t.deepEqual(logOf(1), ['a'], 'it restarted on its store');
  submit('c', [0, 1]);
  await clock.advance(3_000);
  // b reached one replica only: it never had a majority.
  t.deepEqual(logOf(0), ['a', 'c']);
  t.deepEqual(logOf(1), ['a', 'c']);
});

test('a restarted replica that missed changes adopts the majority-signed state from a peer', async t => {
  const { clock, net, signers, submit, logOf, start } = setup(3);
  net.kill(signers[2]!.id);
  submit('a', [0, 1]);
  await clock.advance(1);
  submit('b', [0, 1]);
  await clock.advance(2_000);
  t.deepEqual(logOf(0), ['a', 'b']);
  start(2);
  await clock.advance(1_500);
  t.deepEqual(logOf(2), ['a', 'b']);
});

test('a replica that drops requests holds nobody up: the others had them, and it fetches them to stay in step', async t => {
  const { clock, submit, logOf } = setup(3);
  submit('a', [0, 1]);
  await clock.advance(1);
  submit('b', [0, 1]);
  await clock.advance(500);
  for (let i = 0; i < 3; i++) t.deepEqual(logOf(i), ['a', 'b']);
});

test('a cheating replica that signs another state is never certified, and its signature is evidence against it', async t => {
  const { clock, submit, logOf, evidence, signers } = setup(3, {
    decide: i => (i === 2 ? forge : append),
  });
  submit('a');
  await clock.advance(500);
  t.deepEqual(logOf(0), ['a']);
  t.deepEqual(logOf(1), ['a']);
  t.deepEqual(logOf(2), ['a'], 'the cheater follows the certified state');
  const against = evidence.filter(e => e.replica === signers[2]!.id);
  t.true(against.length >= 1);
  t.is(checkEvidence(against[0]!).kind, 'against-majority');
});

test('a replica lying about arrival times cannot reorder two requests', async t => {
  const { clock, submit, logOf, signers, cores, net } = setup(3);
  net.kill(signers[2]!.id); // its slots come from the test instead
  const liar = signers[2]!;
  const first = submit('first', [0, 1]);
  await clock.advance(10);
  const second = submit('second', [0, 1]);
  let seq = 0;
  const lie = () => {
    const ts = clock.now();
    const { signed } = signTimeslot(
      {
        v: 1,
        room: ROOM,
        replica: liar.id,
        seq: ++seq,
        ts,
        cseq: 0,
        arrivals:
          seq === 1
            ? [
                [second, ts - 9],
                [first, ts],
              ]
            : [],
      } as never,
      liar.sign,
    );
    for (const core of cores.slice(0, 2)) core.receiveTimeslot(signed);
  };
  for (let i = 0; i < 20; i++) {
    lie();
    await clock.advance(50);
  }
  t.deepEqual(logOf(0), ['first', 'second']);
  t.deepEqual(logOf(1), ['first', 'second']);
});

test('a replica that signs two snapshots for one cseq is caught by every replica that sees both', async t => {
  const { clock, cores, signers, genesis, evidence } = setup(3);
  const cheater = signers[2]!;
  const base = openCertified<Log>(
    genesis,
    signers.map(s => s.id),
  );
  const { signQuorumSnapshot } = await import('../../unum/quorum/certified.js');
  const one = signQuorumSnapshot(
    { ...base, cseq: 1, state: { log: ['one'] } } as QuorumSnapshot,
    cheater.sign,
  );
  const two = signQuorumSnapshot(
    { ...base, cseq: 1, state: { log: ['two'] } } as QuorumSnapshot,
    cheater.sign,
  );
  for (const core of cores.slice(0, 2)) {
    core.receiveSignature(cheater.id, { snapshot: one.text, sig: one.sig });
    core.receiveSignature(cheater.id, { snapshot: two.text, sig: two.sig });
  }
  await clock.advance(10);
  const doubles = evidence.filter(e => e.kind === 'double-sign');
  t.is(doubles.length, 2, 'each honest replica holds it');
  t.is(checkEvidence(doubles[0]!).replica, cheater.id);
  t.is(cores[0]!.snapshot().cseq, 0, 'one signature is no majority');
});

test('k = 5 with one halted and one forging: the three honest replicas decide, all five end alike', async t => {
  const { clock, net, signers, submit, logOf } = setup(5, {
    decide: i => (i === 4 ? forge : append),
  });
  net.kill(signers[3]!.id);
  submit('a', [0, 1, 2, 4]);
  await clock.advance(2_000);
  for (const i of [0, 1, 2, 4]) t.deepEqual(logOf(i), ['a']);
});

test('clocks apart by up to T_timeslot still agree on one order', async t => {
  const skews = [0, DEFAULT_QUORUM_TIMERS.timeslotMs, -DEFAULT_QUORUM_TIMERS.timeslotMs];
  const { clock, submit, logOf } = setup(3, { skew: i => skews[i]! });
  for (const content of ['a', 'b', 'c', 'd']) {
    submit(content);
    await clock.advance(7);
  }
  await clock.advance(1_000);
  for (let i = 0; i < 3; i++) t.deepEqual(logOf(i), ['a', 'b', 'c', 'd']);
});

test('an idle room sends heartbeats only', async t => {
  const { clock, net } = setup(3);
  await clock.advance(200);
  const before = net.sent.timeslot;
  await clock.advance(10_000);
  const perReplicaPerSecond = (net.sent.timeslot - before) / 3 / 2 / 10;
  t.true(perReplicaPerSecond <= 1.01, `${perReplicaPerSecond} timeslots a second to each peer`);
});

test('a replayed or stale request is refused', t => {
  const { cores, clock } = setup(3);
  const member = makeSigner();
  const old = signRequest(
    { room: ROOM, kind: 'append', author: member.id, content: 'x', ts: clock.now() - 3_600_000 },
    member.sign,
  );
  t.throws(() => (cores[0] as ReplicaCore<Log>).submit(old.signed), {
    message: /^\[stale-request\]/,
  });
  t.throws(() => cores[0]!.submit({ request: '{}', sig: 'x' }), { message: /^\[bad-request\]/ });
});
