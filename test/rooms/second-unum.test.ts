// A second unum type built from the same parts: critical state through the
// host, replicated state peer to peer. Vats here share the test process but
// each has its own identity, listener and sessions.
import test from '@endo/ses-ava/prepare-endo.js';
import { defineUnum, hostUnum, joinUnum } from '../../unum/index.js';
import { sharedCounter, type CounterState } from '../fixtures/counter-unum.js';
import { encodedSize, type Delivery } from '../../presence/index.js';
import type { HeldSnapshot } from '../../unum/index.js';
import { nextEvent, testVat } from '../helpers.js';

test('a shared counter: increments are applied and signed by the host; cursors go peer to peer', async t => {
  const [hostVat, aVat, bVat] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const hosted = await hostUnum(hostVat, sharedCounter, { name: 'scoreboard' });
  const ann = await joinUnum(aVat, sharedCounter, hosted.invite, { name: 'ann' });
  const ben = await joinUnum(bVat, sharedCounter, hosted.invite, { name: 'ben' });
  t.teardown(() => {
    ann.close();
    ben.close();
    hosted.close();
  });

  const benSeesThree = nextEvent<HeldSnapshot<CounterState>>(
    l => ben.on('snapshot', l),
    s => s.state.count === 3,
  );
  t.is(
    (await ann.request('increment', '')).state.count,
    1,
    'request() resolves with the state it applied in',
  );
  await ann.request('increment', '2');
  t.like(await benSeesThree, { state: { count: 3 } });
  t.is(hosted.snapshot().state.count, 3);

  const refused = nextEvent<{ reason: string }>(
    l => hosted.on('refused', l),
    () => true,
  );
  await t.throwsAsync(ben.request('increment', 'a million'), {
    message: /^\[request-refused\] increments are 1 to 100/,
  });
  t.regex((await refused).reason, /increments are 1 to 100/);
  t.is(hosted.snapshot().state.count, 3, 'a refused request changes nothing');

  const hostBytes = () => hostVat.stats().peers.reduce((n, p) => n + p.bytesSent, 0);
  const before = hostBytes();
  const cursorSeen = nextEvent<Delivery>(
    l => ben.presence.on('message', l),
    d => d.envelope.header.kind === 'cursor',
  );
  ann.presence.send('others', 'cursor', JSON.stringify({ x: 3, y: 4 }));
  const { wire } = (await cursorSeen).envelope;
  t.is(wire.content, '{"x":3,"y":4}');
  // The host's last answers may still trail (a return, a drop); relaying the cursor would cost more.
  t.true(hostBytes() - before < encodedSize(wire), 'cursor traffic never touches the host');
});

test('an unum type refuses kinds that are not short lower-case names', t => {
  t.throws(() => defineUnum({ type: 'x', initialState: {}, kinds: ['Bad Kind'] }), {
    message: /must be a short lower-case name/,
  });
});

test('joining with the wrong unum type is refused', async t => {
  const [hostVat, aVat] = await Promise.all([testVat(t), testVat(t)]);
  const hosted = await hostUnum(hostVat, sharedCounter, { name: 'scoreboard' });
  t.teardown(() => hosted.close());
  const { chatRoom } = await import('../../unum/index.js');
  await t.throwsAsync(joinUnum(aVat, chatRoom, hosted.invite, { name: 'ann' }), {
    message: '[bad-unum] the invite is to a shared-counter, not a chat-room',
  });
});
