// A member who raised its own content limit cannot make others show a longer
// line: each receiver checks content against its own limit and drops the
// line as `too-long`, counted. Vats share this process.
import test from '@endo/ses-ava/prepare-endo.js';
import type { Dropped } from '../../presence/index.js';
import { createRoom, joinRoom, type ChatMessage } from '../../unum/index.js';
import { nextEvent, testVat } from '../helpers.js';

test("a line over the receiver's content limit is dropped as too-long, whatever the sender's limit", async t => {
  const [hostVat, aliceVat, malloryVat] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const room = await createRoom(hostVat, { name: 'lobby' });
  t.teardown(() => room.close());
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  const mallory = await joinRoom(malloryVat, room.invite, {
    name: 'mallory',
    presenceLimits: { maxContentChars: 10_000 },
  });
  t.teardown(() => {
    for (const m of [alice, mallory]) m.close();
  });
  const shown: ChatMessage[] = [];
  alice.on('message', m => shown.push(m));
  const dropped = nextEvent<Dropped>(
    l => alice.on('dropped', l),
    d => d.reason === 'too-long',
  );
  await mallory.say('x'.repeat(10_000));
  t.like(await dropped, {
    reason: 'too-long',
    author: malloryVat.id,
    detail: 'over 4096 characters',
  });
  const fine = nextEvent<ChatMessage>(
    l => alice.on('message', l),
    m => m.text === 'short',
  );
  await mallory.say('short');
  await fine;
  t.deepEqual(
    shown.map(m => m.text),
    ['short'],
  );
  // Counted each time it arrives (again when the gap it leaves is asked for).
  t.true((alice.stats().dropped['too-long'] ?? 0) >= 1);
});
