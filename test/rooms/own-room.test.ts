// A vat's session with itself never breaks; and a vat cannot be a member of
// a room it hosts (its member presence and the host presence would share one
// VatId), which it is told plainly. Vats share this process.
import test from '@endo/ses-ava/prepare-endo.js';
import { createRoom, joinRoom } from '../../unum/index.js';
import { hostUnum } from '../../unum/index.js';
import { sharedCounter } from '../fixtures/counter-unum.js';
import { testVat } from '../helpers.js';

test('a vat never sees its session with itself break', async t => {
  const vat = await testVat(t);
  let broken: Error | undefined;
  vat.onPeerBroken(vat.id, reason => {
    broken = reason;
  });
  const hosted = await hostUnum(vat, sharedCounter, { name: 'scoreboard' }); // a round trip through the store and the export table
  t.teardown(() => hosted.close());
  await new Promise(resolve => setImmediate(resolve)); // past every queued microtask
  t.is(broken, undefined);
});

test('a vat joining a room it hosts is told to join from another vat', async t => {
  const hostVat = await testVat(t);
  const room = await createRoom(hostVat, { name: 'lobby' });
  t.teardown(() => room.close());
  await t.throwsAsync(joinRoom(hostVat, room.invite, { name: 'olive' }), {
    message:
      /^\[own-room\] vat \w{8} hosts the room behind this invite itself; join it from another vat \(another data directory\)$/,
  });
  t.deepEqual(room.roster(), []);
});
