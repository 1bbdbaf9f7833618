// A member kicked while its vat was away (it never heard of it) is not
// brought back by its reconnect loop: the host refuses a re-attach from a
// vat it removed on purpose, and only a join with the invite readmits it.
// Vats share this process (a unit of the host's join).
import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far } from '@endo/far';
import { createRoom, joinRoom } from '../../unum/index.js';
import { testVat } from '../helpers.js';

interface Join {
  join(request: { name: string; address: string; link: unknown; reattach?: boolean }): unknown;
}

test('a member kicked while away cannot re-attach, but may join again with the invite', async t => {
  const [hostVat, daveVat] = await Promise.all([testVat(t), testVat(t)]);
  const room = await createRoom(hostVat, { name: 'lobby' });
  t.teardown(() => room.close());
  const dave = await joinRoom(daveVat, room.invite, { name: 'dave' });
  dave.close(); // his vat goes quiet
  await room.admin.kick(daveVat.id, 'off topic');
  const join = await daveVat.fetch<Join>(room.invite);
  const link = Far('MemberLink', { update() {}, inboxGiftFor: () => '' });
  await t.throwsAsync(
    E(join).join(harden({ name: 'dave', address: daveVat.address, link, reattach: true })),
    {
      message:
        /^\[removed\] vat \w{8} was removed from "lobby" \(kicked: off topic\); join again with the invite$/,
    },
  );
  t.deepEqual(
    room.roster().map(m => m.name),
    [],
  );
  const back = await joinRoom(daveVat, room.invite, { name: 'dave' });
  t.teardown(() => back.close());
  t.deepEqual(
    room.roster().map(m => m.name),
    ['dave'],
    'a join with the invite readmits him',
  );
});
