// A join whose services cannot be introduced (the room's moderation service
// is down, say) fails without changing the roster: the host asks for the
// services before it signs the member in. Vats share this process.
import test from '@endo/ses-ava/prepare-endo.js';
import { createRoom, joinRoom } from '../../unum/index.js';
import { testVat } from '../helpers.js';

test('a join whose services cannot be introduced is refused, and the roster stays as it was', async t => {
  const [hostVat, aliceVat, bobVat] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  let down = false;
  const room = await createRoom(hostVat, {
    name: 'lobby',
    extension: {
      introduce: async () => {
        if (down) throw Error('[unreachable] the moderation service does not answer');
        return harden({});
      },
    },
  });
  t.teardown(() => room.close());
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  t.teardown(() => alice.close());
  const epoch = room.snapshot().epoch;
  down = true;
  await t.throwsAsync(joinRoom(bobVat, room.invite, { name: 'bob' }), {
    message: /^\[unreachable\] the moderation service does not answer/,
  });
  t.deepEqual(
    room.roster().map(m => m.name),
    ['alice'],
  );
  t.is(room.snapshot().epoch, epoch, 'nothing was signed');
  t.deepEqual(
    alice.roster().map(m => m.name),
    ['alice'],
  );
});
