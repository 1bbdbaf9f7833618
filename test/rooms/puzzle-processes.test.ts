// The jigsaw puzzle with each side in its own process (demo-community/puzzle/
// puzzle-bots.ts): the host in one, two players in each of two others. A grab
// of a held piece is refused across processes with the holder's name; a drag
// in one process is drawn in another; after all four random-walk a piece
// each, no piece has two holders in the host's signed state, and every
// player heard the others' moves.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fileURLToPath } from 'node:url';
import { childVat } from '../helpers.js';
import { startVat } from '../../index.js';
import { tempDir } from '../helpers.js';

const BOTS = fileURLToPath(new URL('../../demo-community/puzzle/puzzle-bots.ts', import.meta.url));

interface Bots {
  host(name: string, cols: number, rows: number, seed: number): Promise<{ invite: string }>;
  hostedState(): Promise<{
    pieces: Array<{ x: number; y: number; holder?: string; holderName?: string }>;
  }>;
  join(invite: string, prefix: string): Promise<string[]>;
  moveTo(i: number, x: number, y: number): Promise<void>;
  grab(i: number, piece: number): Promise<{ ok: boolean; error?: string }>;
  waitForPiece(
    i: number,
    want: { index: number; x: number; y: number; holder: string | null },
    withinMs: number,
  ): Promise<boolean>;
  grabAll(seed: number): Promise<void>;
  walk(opts: { ups: number; seconds: number; seed: number }): Promise<number[]>;
  stats(): Promise<{ latencies: number[]; lastSeq: Record<string, number>; ignoredHolds: number }>;
}

test('players in separate processes grab, drag and walk; no piece is ever held twice', async t => {
  const driver = await startVat({ dataDir: tempDir(t) });
  t.teardown(() => driver.close());
  const [hostProcess, aProcess, bProcess] = await Promise.all(
    [1, 2, 2].map(n => childVat(t, { program: BOTS, args: ['--bots', String(n)] })),
  );
  const [host, a, b] = await Promise.all(
    [hostProcess, aProcess, bProcess].map(p => driver.fetch<Bots>(p!.ready.control as string)),
  );
  const { invite } = await E(host!).host('picnic', 4, 4, 9);
  await Promise.all([E(a!).join(invite, 'a'), E(b!).join(invite, 'b')]);

  const piece = (await E(host!).hostedState()).pieces[6]!;
  await E(a!).moveTo(0, piece.x + 5, piece.y + 5);
  t.like(await E(a!).grab(0, 6), { ok: true });
  t.deepEqual(await E(b!).grab(1, 6), { ok: false, error: '[held] piece 6 is held by a0' });

  await E(a!).moveTo(0, piece.x + 45, piece.y + 25);
  t.true(
    await E(b!).waitForPiece(
      1,
      { index: 6, x: piece.x + 40, y: piece.y + 20, holder: 'a0' },
      60_000,
    ),
    'b1 draws the piece where a0 dragged it',
  );

  await Promise.all([a, b].map((bots, i) => E(bots!).grabAll(i)));
  const sent = await Promise.all(
    [a, b].map(bots => E(bots!).walk({ ups: 5, seconds: 2, seed: 5 })),
  );
  t.true(
    sent.flat().every(n => n >= 1),
    'every bot moved',
  );
  const holders = (await E(host!).hostedState()).pieces.flatMap(p => (p.holder ? [p.holder] : []));
  t.is(new Set(holders).size, holders.length, 'no player holds two pieces');
  t.is(holders.length, 4, 'each of the four holds one');
  for (const bots of [a, b]) {
    const stats = await E(bots!).stats();
    t.true(stats.latencies.length > 0, 'moves arrived');
    t.is(stats.ignoredHolds, 0);
  }
});
