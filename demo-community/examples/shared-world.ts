// A shared world: counters on a table that players pick up and carry. Who
// holds a counter is critical state (the host decides, so no counter ever has
// two holders); where a carried counter is right now is live state (sent
// straight to the players nearby, unsigned, and drawn only while the signed
// state agrees the sender holds it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineUnum, hostUnum, joinUnum, startVat } from '../../index.js';

// Step 1: the critical state and the operations that change it.
type Table = { counters: Array<{ holder?: string; name?: string; x: number; y: number }> };

export const table = defineUnum<Table>({
  type: 'counter-table',
  initialState: {
    counters: [
      { x: 10, y: 10 },
      { x: 50, y: 20 },
    ],
  },
  operations: {
    take: (state, content, author, { members }) => {
      const counter = state.counters[Number(content)];
      if (!counter) throw Error(`[no-counter] there is no counter ${content}`);
      const holder = members.find(m => m.vatId === counter.holder);
      if (holder && holder.vatId !== author.vatId)
        throw Error(`[held] counter ${content} is held by ${holder.name}`);
      const counters = state.counters.map((c, i) =>
        i === Number(content) ? { x: c.x, y: c.y, holder: author.vatId, name: author.name } : c,
      );
      return { counters };
    },
    drop: (state, content, author) => {
      const [i, x, y] = content.split(' ').map(Number);
      if (state.counters[i!]?.holder !== author.vatId) throw Error(`you do not hold counter ${i}`);
      return { counters: state.counters.map((c, k) => (k === i ? { x: x!, y: y! } : c)) };
    },
  },
  kinds: [],
  // Step 2: interest. Live state goes every 100 ms to the 8 nearest within 100, to the rest once a second.
  aura: { radius: 100, maxInAura: 8 },
});

export const sharedWorldExample = async (): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-world-'));
  const [hostVat, annVat, benVat] = await Promise.all(
    ['host', 'ann', 'ben'].map(name => startVat({ dataDir: join(dir, name) })),
  );
  // Step 3: host it, and join.
  const hosted = await hostUnum(hostVat, table, { name: 'kitchen' });
  const ann = await joinUnum(annVat, table, hosted.invite, { name: 'ann' });
  const ben = await joinUnum(benVat, table, hosted.invite, { name: 'ben' });
  const seen: string[] = [];

  // Step 4: a critical request resolves with the state it was applied in, or rejects with the refusal.
  const after = await ann.request('take', '0');
  seen.push(`ann holds counter 0: ${after.state.counters[0]!.name}`);
  await ben.request('take', '0').catch(error => seen.push(`ben: ${(error as Error).message}`));

  // Step 5: live state. Ann's cursor and what she carries go straight to ben.
  const carried = new Promise<string>(resolve =>
    ben.presence.on('live', ({ peer, key, value }) => {
      // Drawn only while the signed state says the sender holds it.
      const [i] = value.split(' ');
      if (key === 'carry' && ben.snapshot().state.counters[Number(i)]?.holder === peer)
        resolve(value);
    }),
  );
  ben.presence.move({ x: 20, y: 20 });
  ann.presence.move({ x: 30, y: 15 });
  ann.presence.setLive('carry', '0 30 15');
  const [i, x, y] = (await carried).split(' ');
  seen.push(`ben sees ann carry counter ${i} at ${x},${y}`);
  await ann.request('drop', '0 30 15');
  seen.push(`counter 0 lies at ${JSON.stringify(hosted.snapshot().state.counters[0])}`);

  for (const member of [ann, ben]) member.close();
  hosted.close();
  await Promise.all([hostVat, annVat, benVat].map(vat => vat.close()));
  rmSync(dir, { recursive: true, force: true }); // closed vats: their data can go
  return seen;
};
