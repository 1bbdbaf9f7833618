// Membership over time: crashes and the grace window, leaving, the host going
// away and coming back.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { roomVat, tempDir, testVat, joinInOrder } from '../helpers.js';

test('a killed member is removed after the grace window; one that reconnects within it is not', async t => {
  const driver = await testVat(t);
  const carolDir = tempDir(t);
  const [host, alice, bob, carol] = await Promise.all([
    roomVat(t, driver),
    roomVat(t, driver),
    roomVat(t, driver),
    roomVat(t, driver, { dataDir: carolDir }),
  ]);
  // A grace window longer than a vat process takes to restart on a loaded machine.
  const { invite } = await E(host.control).createRoom('lobby', { graceMs: 10_000 });
  await joinInOrder(invite, [
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
  ]);
  await Promise.all([bob.proc.kill(), carol.proc.kill()]);
  // Carol's vat comes straight back, with the same identity, and joins again.
  const carolAgain = await roomVat(t, driver, { dataDir: carolDir, listen: carol.address });
  await E(carolAgain.control).join(invite, 'carol');
  const removal = await E(alice.control).waitFor('roster', { members: ['alice', 'carol'] }, 30_000);
  const rosters = (await E(alice.control).events('roster')).map(r => r.members as string[]);
  const sinceCarolJoined = rosters.slice(rosters.findIndex(members => members.includes('carol')));
  t.true(
    sinceCarolJoined.every(members => members.includes('carol')),
    'carol was never dropped from the roster',
  );
  t.is(removal.epoch, 4, 'one change: bob gone');
  await E(carolAgain.control).say('still here');
  await E(alice.control).waitFor('message', { text: 'still here' });
});

test('a member who leaves is removed at once and told so', async t => {
  const driver = await testVat(t);
  const [host, alice, bob] = await Promise.all([
    roomVat(t, driver),
    roomVat(t, driver),
    roomVat(t, driver),
  ]);
  const { invite } = await E(host.control).createRoom('lobby');
  await E(alice.control).join(invite, 'alice');
  await E(bob.control).join(invite, 'bob');
  await E(bob.control).leave();
  t.like(await E(bob.control).waitFor('removed'), { reason: 'it left' });
  t.like(await E(alice.control).waitFor('roster', { members: ['alice'] }), { epoch: 3 });
});

test('chat goes on while the host is down; joins resume when it returns with the same identity', async t => {
  const driver = await testVat(t);
  const hostDir = tempDir(t);
  const [host, alice, bob, dave] = await Promise.all([
    roomVat(t, driver, { dataDir: hostDir }),
    roomVat(t, driver),
    roomVat(t, driver),
    roomVat(t, driver),
  ]);
  const { invite } = await E(host.control).createRoom('lobby');
  await E(alice.control).join(invite, 'alice');
  await E(bob.control).join(invite, 'bob');
  await host.proc.kill();
  await E(alice.control).waitFor('host', { reachable: false });
  await E(alice.control).say('the host is gone, we are not');
  await E(bob.control).waitFor('message', { text: 'the host is gone, we are not' });
  await t.throwsAsync(
    E(dave.control).join(invite, 'dave'),
    { message: /^\[unreachable\]/ },
    'joins wait for the host',
  );

  const hostAgain = await roomVat(t, driver, { dataDir: hostDir, listen: host.address });
  const again = await E(hostAgain.control).createRoom('lobby');
  t.is(again.invite, invite, 'same identity, same invite');
  await E(alice.control).waitFor('host', { reachable: true });
  await E(dave.control).join(invite, 'dave');
  t.like(
    await E(alice.control).waitFor('roster', { members: ['alice', 'bob', 'dave'] }),
    { epoch: 3 },
    'members keep their places when they re-attach',
  );
  // Bob re-attaches on his own backoff (up to maxBackoffMs), not alice's: he hears of dave from the host.
  await E(bob.control).waitFor('roster', { members: ['alice', 'bob', 'dave'] }, 30_000);
  await E(dave.control).say('made it in');
  await E(bob.control).waitFor('message', { text: 'made it in' });
});
