// Your own unum: a shared scoreboard. Its score is critical state: members
// ask the host, which applies the request and signs the new state for all.
// Cursors are replicated state: members fan them to each other directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineUnum, hostUnum, joinUnum, startVat } from '../../index.js';

export const scoreboard = defineUnum<{ score: number }>({
  type: 'scoreboard',
  initialState: { score: 0 },
  operations: {
    // Runs at the host, on a signed request; throw to refuse it.
    add: (state, content) => {
      const points = Number(content);
      if (!Number.isInteger(points) || points < 1 || points > 10) throw Error('add 1 to 10 points');
      return { score: state.score + points };
    },
  },
  kinds: ['cursor'],
});

export const customUnumExample = async (): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-unum-'));
  const [hostVat, annVat, benVat] = await Promise.all(
    ['host', 'ann', 'ben'].map(name => startVat({ dataDir: join(dir, name) })),
  );
  const hosted = await hostUnum(hostVat, scoreboard, { name: 'match' });
  const ann = await joinUnum(annVat, scoreboard, hosted.invite, { name: 'ann' });
  const ben = await joinUnum(benVat, scoreboard, hosted.invite, { name: 'ben' });
  const seen: string[] = [];

  const scored = new Promise<void>(resolve =>
    ben.on('snapshot', s => {
      if (s.state.score === 7) resolve();
    }),
  );
  await ann.request('add', '3'); // critical: through the host
  await ann.request('add', '4');
  await scored;
  seen.push(`ben sees the score the host signed: ${ben.snapshot().state.score}`);

  const cursor = new Promise<string>(resolve =>
    ben.presence.on(
      'message',
      ({ envelope }) => envelope.header.kind === 'cursor' && resolve(envelope.wire.content ?? ''),
    ),
  );
  ann.presence.send('others', 'cursor', JSON.stringify({ x: 12, y: 5 })); // replicated: straight to ben
  seen.push(`ben sees ann's cursor: ${await cursor}`);

  for (const member of [ann, ben]) member.close();
  hosted.close();
  await Promise.all([hostVat, annVat, benVat].map(vat => vat.close()));
  rmSync(dir, { recursive: true, force: true }); // closed vats: their data can go
  return seen;
};
