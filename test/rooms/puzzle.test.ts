// The jigsaw puzzle among vats (units: in one process; the multi-process run
// is test/rooms/puzzle-processes.test.ts): a grab of a held piece is refused
// at once with the holder's name; the held piece moves on others' boards with
// its holder's cursor, peer to peer; a late joiner sees holders, positions and
// placed pieces; a `hold` claimed for a piece the sender does not hold is ignored.
import test from '@endo/ses-ava/prepare-endo.js';
import { hostPuzzle, joinPuzzle, type Player } from '../../demo-community/puzzle/puzzle-player.js';
import { slotOf } from '../../demo-community/puzzle/puzzle-rules.js';
import { testVat } from '../helpers.js';

/** Resolves when `player`'s board, as drawn once motion settles, satisfies `ok`; checked at each change. */
const untilBoard = (player: Player, ok: (b: ReturnType<Player['board']>) => boolean) =>
  new Promise<void>(resolve => {
    const check = () => {
      if (ok(player.board(Date.now() + 1_000))) {
        off();
        resolve();
      }
    };
    const off = player.onChange(check);
    check();
  });

test('players grab, drag and place pieces; the arbiter refuses a held piece by name', async t => {
  const vats = await Promise.all([0, 1, 2, 3].map(() => testVat(t)));
  const hosted = await hostPuzzle(vats[0]!, { name: 'picnic', cols: 3, rows: 3, seed: 42 });
  t.teardown(() => hosted.close());
  const ann = await joinPuzzle(vats[1]!, hosted.invite, { name: 'ann' });
  const ben = await joinPuzzle(vats[2]!, hosted.invite, { name: 'ben' });
  t.teardown(() => {
    ann.close();
    ben.close();
  });
  const piece = hosted.snapshot().state.pieces[4]!;
  ann.moveTo(piece.x + 5, piece.y + 5);
  ben.moveTo(piece.x + 10, piece.y + 10);
  await ann.grab(4);
  await t.throwsAsync(ben.grab(4), { message: '[held] piece 4 is held by ann' });

  // Ann drags it; ben sees it move with her cursor, the host carries none of it.
  const hostSent = () => vats[0]!.stats().peers.reduce((n, p) => n + p.bytesSent, 0);
  const before = hostSent();
  ann.moveTo(piece.x + 105, piece.y + 55);
  await untilBoard(ben, b => {
    const p = b.pieces[4]!;
    return (
      p.holderName === 'ann' &&
      Math.abs(p.x - (piece.x + 100)) < 1 &&
      Math.abs(p.y - (piece.y + 50)) < 1
    );
  });
  t.true(hostSent() - before < 200, 'moves go peer to peer');

  // A late joiner is told the board: who holds what, where it is.
  const cat = await joinPuzzle(vats[3]!, hosted.invite, { name: 'cat' });
  t.teardown(() => cat.close());
  await untilBoard(cat, b => {
    const p = b.pieces[4]!;
    return p.holderName === 'ann' && Math.abs(p.x - (piece.x + 100)) < 1;
  });
  t.true(cat.board().cursors.some(c => c.name === 'ann'));

  // Ben claims to drag a piece he does not hold: nobody draws it.
  ben.replica.presence.setLive('hold', '1 0 0');
  await untilBoard(cat, () => cat.stats().ignoredHolds > 0);
  t.is(cat.board().pieces[1]!.x, hosted.snapshot().state.pieces[1]!.x);

  // Ann lays it in its slot: placed for everyone, and nobody can grab it again.
  const slot = slotOf(hosted.snapshot().state, 4);
  ann.moveTo(slot.x + 5, slot.y + 5);
  t.deepEqual(await ann.release(), { index: 4, placed: true });
  await untilBoard(cat, b => b.pieces[4]!.placed && b.pieces[4]!.holderName === undefined);
  await t.throwsAsync(ben.grab(4), { message: /^\[placed\]/ });
  ben.moveTo(0, 0);
  await ben.grab(0);
  t.is(hosted.snapshot().state.pieces[0]!.holderName, 'ben');
});
