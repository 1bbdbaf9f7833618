// A chat room: the host vat keeps only the roster; Alice's lines go straight
// to Bob's presence, signed, and Bob keeps them as evidence.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVat, createRoom, joinRoom } from '../../index.js';

export const chatRoomExample = async (): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-chat-'));
  const [hostVat, aliceVat, bobVat] = await Promise.all(
    ['host', 'alice', 'bob'].map(name => startVat({ dataDir: join(dir, name) })),
  );
  const room = await createRoom(hostVat, { name: 'lobby', capacity: 64 });
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' }); // room.invite: stoa://…/s/…
  const bob = await joinRoom(bobVat, room.invite, { name: 'bob' });

  const heard: string[] = [];
  const twoLines = new Promise<void>(resolve =>
    bob.on('message', m => {
      heard.push(`${m.name}${m.to ? ' (whisper)' : ''}: ${m.text}`); // verified, in causal order
      if (heard.length === 2) resolve();
    }),
  );
  await alice.say('hello'); // returns once fanned out
  await alice.whisper(bob.self, 'psst'); // only Bob receives it
  await twoLines;
  heard.push(`bob keeps ${bob.window().length} signed envelopes as evidence`);

  await alice.leave();
  const names = bob.roster().map(m => m.name);
  heard.push(`bob's roster: ${names.join(', ')}`);
  await Promise.all([hostVat, aliceVat, bobVat].map(vat => vat.close()));
  rmSync(dir, { recursive: true, force: true }); // closed vats: their data can go
  return heard;
};
