// A room whose roster three vats hold: a change counts once two of them
// signed it, so one may be down (or cheat) and the room goes on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E, startVat, createRoom, joinRoom, serveReplica } from '../../index.js';

const names = (member: { roster(): Array<{ name: string }> }) =>
  member
    .roster()
    .map(m => m.name)
    .join(', ');

export const replicatedRoomExample = async (): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-replicas-'));
  const [a, b, c, aliceVat, bobVat] = await Promise.all(
    ['a', 'b', 'c', 'alice', 'bob'].map(name => startVat({ dataDir: join(dir, name) })),
  );
  // a is the owner and the first replica; b and c enter with the replica invite.
  const room = await createRoom(a, { name: 'lobby', replicas: 3, limits: { hostWaitMs: 2_000 } });
  await serveReplica(b, room.replicaInvite!);
  await serveReplica(c, room.replicaInvite!);
  await room.ready;
  const state = room.snapshot();
  const seen = [`replicas: ${state.v === 2 ? state.replicas.length : 1}`];

  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  await c.close(); // one replica down: the other two still decide
  const bob = await joinRoom(bobVat, room.invite, { name: 'bob' });
  seen.push(`bob joined with one replica down: ${names(bob)}`);

  await E(room.admin).kick(bob.self, 'testing');
  const kicked = () => !alice.roster().some(m => m.vatId === bob.self);
  await new Promise<void>(resolve => {
    if (kicked()) resolve();
    else alice.on('roster', () => kicked() && resolve());
  });
  seen.push(`alice's roster after the kick: ${names(alice)}`);

  await b.close(); // two down: no majority, so no change (chat would go on)
  const refused = await E(room.admin)
    .kick(alice.self, 'no one can decide this')
    .catch((e: Error) => e.message.slice(0, 11));
  seen.push(`with two replicas down: ${refused}`);

  alice.close();
  bob.close();
  await Promise.all([a, aliceVat, bobVat].map(vat => vat.close()));
  rmSync(dir, { recursive: true, force: true }); // closed vats: their data can go
  return seen;
};
