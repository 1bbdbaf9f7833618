// People running vats: a room whose roster three vats hold, set up and run
// from the command line (`stoa room create --replicas 3`, `stoa room
// replicate`), each replica a `stoa vat start` process; a restarted replica
// serves the room again by itself.
import test from '@endo/ses-ava/prepare-endo.js';
import { childVat, runStoa, stoaJson, tempDir } from '../helpers.js';

test('stoa room create --replicas 3, stoa room replicate on two more vats; members join; a restarted replica serves again', async t => {
  const dirs = [tempDir(t), tempDir(t), tempDir(t), tempDir(t), tempDir(t)];
  const [ownerDir, bDir, cDir, aliceDir, bobDir] = dirs;
  const vats = await Promise.all(dirs.map(dataDir => childVat(t, { dataDir })));
  const created = await stoaJson([
    'room',
    'create',
    'lobby',
    '--replicas',
    '3',
    '--data',
    ownerDir!,
  ]);
  t.regex(created.invite, /^stoa:\/\//);
  t.regex(created.replicaInvite, /^stoa:\/\//);
  t.like(await stoaJson(['room', 'replicate', created.replicaInvite, '--data', bDir!]), {
    replicas: 2,
  });
  t.like(await stoaJson(['room', 'replicate', created.replicaInvite, '--data', cDir!]), {
    replicas: 3,
  });
  const refused = await runStoa(['room', 'replicate', created.replicaInvite, '--data', aliceDir!]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /already has its 3 replicas/);

  t.deepEqual(
    (await stoaJson(['room', 'join', created.invite, '--name', 'alice', '--data', aliceDir!]))
      .roster,
    ['alice'],
  );
  t.like((await stoaJson(['rooms', '--data', bDir!]))[0], { role: 'replica', members: ['alice'] });

  await vats[1]!.stop();
  t.deepEqual(
    (await stoaJson(['room', 'join', created.invite, '--name', 'bob', '--data', bobDir!])).roster,
    ['alice', 'bob'],
    'one replica away: a majority decides',
  );
  await childVat(t, { dataDir: bDir!, listen: vats[1]!.address });
  for (let look = 0; look < 30; look++) {
    const [row] = await stoaJson(['rooms', '--data', bDir!]);
    if (row?.role === 'replica' && row.members?.length === 2) break;
    await stoaJson(['rooms', '--data', ownerDir!]); // a round trip between looks, not a sleep
  }
  t.like(
    (await stoaJson(['rooms', '--data', bDir!]))[0],
    { role: 'replica', members: ['alice', 'bob'] },
    'caught up after its restart',
  );
  t.like((await stoaJson(['rooms', '--data', ownerDir!]))[0], {
    role: 'host',
    replicas: 3,
    members: ['alice', 'bob'],
  });
});
