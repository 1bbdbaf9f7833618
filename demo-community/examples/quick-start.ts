// Quick start: the object API in one screen. Three vats (here in one process;
// on three machines it reads the same): Bob exports a counter, Alice fetches it
// by its sturdy ref, then introduces Carol to it with a gift only Carol can redeem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVat, errorCode, E, Far } from '../../index.js';

export const quickStart = async (): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-quick-'));
  const [alice, bob, carol] = await Promise.all(
    ['alice', 'bob', 'carol'].map(name =>
      startVat({ dataDir: join(dir, name), host: '127.0.0.1', port: 0 }),
    ),
  );
  const seen: string[] = [];

  let count = 0;
  const counter = Far('Counter', { incr: () => (count += 1) });
  const uri = bob.export(counter, { name: 'counter' }); // stoa://<bob's id>@127.0.0.1:PORT/s/<swissnum>

  const ref = await alice.fetch<typeof counter>(uri); // TLS 1.3; Bob's key must match his id
  seen.push(`alice incr -> ${await E(ref).incr()}`);

  const gift = bob.giftFor(counter, carol.id, { ttlMs: 60_000 }); // Alice would pass this URI on as data
  const carols = await carol.redeem<typeof counter>(gift); // only a session authenticated as Carol
  seen.push(`carol incr -> ${await E(carols).incr()}`);

  const gone = new Promise<Error>(resolve => alice.onBroken(ref, resolve));
  await bob.close();
  seen.push(`alice sees: ${errorCode(await gone)}`); // the peer ended the session

  await Promise.all([alice.close(), carol.close()]);
  rmSync(dir, { recursive: true, force: true }); // closed vats: their data can go
  return seen;
};
