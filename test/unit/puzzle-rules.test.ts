// The jigsaw's rules as its arbiter applies them: no piece held by two
// players, none holding two pieces, a grab of a held piece refused with the
// holder's name, a piece released near its slot snapped into it, and a piece
// held by someone who left free again. Also: the motion estimate.
import test from '@endo/ses-ava/prepare-endo.js';
import fc from 'fast-check';
import { makeTrack } from '../../demo-community/puzzle/motion.js';
import {
  newPuzzle,
  parseGrid,
  pieceSize,
  puzzleUnum,
  slotOf,
  SNAP,
  type PuzzleState,
} from '../../demo-community/puzzle/puzzle-rules.js';
import type { Member } from '../../index.js';

const member = (name: string): Member =>
  ({ vatId: `vat-${name}`, name, role: 'member', joinedEpoch: 1 }) as unknown as Member;
const [ann, ben, cat] = ['ann', 'ben', 'cat'].map(member) as [Member, Member, Member];
const { grab, release } = puzzleUnum().operations!;
const everyone = { members: [ann, ben, cat] };

test('a grab of a held piece is refused with the holder’s name; a release near the slot places it', t => {
  let state = newPuzzle({ cols: 4, rows: 4, seed: 7 });
  state = grab!(state, '5', ann, everyone);
  t.is(state.pieces[5]!.holderName, 'ann');
  t.throws(() => grab!(state, '5', ben, everyone), { message: '[held] piece 5 is held by ann' });
  t.throws(() => grab!(state, '6', ann, everyone), {
    message: '[holding] you hold piece 5; let go of it first',
  });
  t.throws(() => release!(state, '5 1 1', ben, everyone), { message: /^\[not-holding\]/ });
  const slot = slotOf(state, 5);
  state = release!(state, `5 ${slot.x + SNAP - 1} ${slot.y}`, ann, everyone);
  t.like(state.pieces[5], { placed: true, x: slot.x, y: slot.y });
  t.is(state.pieces[5]!.holder, undefined);
  t.throws(() => grab!(state, '5', ben, everyone), { message: /^\[placed\]/ });
  t.throws(() => grab!(state, '16', ben, everyone), { message: /^\[no-piece\]/ });
  t.throws(() => grab!(state, 'constructor', ben, everyone), { message: /^\[no-piece\]/ });
});

test('a piece held by a member who left is free to grab', t => {
  const state = grab!(newPuzzle({ cols: 2, rows: 2, seed: 1 }), '0', ann, everyone);
  const withoutAnn = { members: [ben, cat] };
  t.is(grab!(state, '0', ben, withoutAnn).pieces[0]!.holderName, 'ben');
});

test('whatever players ask, in any order, no piece has two holders and nobody holds two', t => {
  const players = [ann, ben, cat];
  const request = fc.record({
    who: fc.integer({ min: 0, max: 2 }),
    op: fc.constantFrom('grab', 'release'),
    piece: fc.integer({ min: -1, max: 9 }),
    x: fc.integer({ min: -50, max: 1050 }),
    y: fc.integer({ min: -50, max: 1050 }),
  });
  fc.assert(
    fc.property(fc.array(request, { maxLength: 60 }), requests => {
      let state: PuzzleState = newPuzzle({ cols: 3, rows: 3, seed: 3 });
      for (const { who, op, piece, x, y } of requests) {
        const author = players[who]!;
        try {
          state =
            op === 'grab'
              ? grab!(state, String(piece), author, everyone)
              : release!(state, `${piece} ${x} ${y}`, author, everyone);
        } catch (error) {
          if (!/^\[[a-z-]+\] /.test((error as Error).message)) throw error;
        }
        const holders = state.pieces.flatMap(p => (p.holder ? [p.holder] : []));
        if (new Set(holders).size !== holders.length) return false;
        const size = pieceSize(state);
        for (const p of state.pieces)
          if (p.x < 0 || p.y < 0 || p.x > 1000 - size || p.y > 1000 - size) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('grids are COLSxROWS, 2 to 16 each way', t => {
  t.deepEqual(parseGrid('8x6'), { cols: 8, rows: 6 });
  for (const bad of ['1x8', '8', '17x2', '8x8x8', 'axb', ''])
    t.throws(() => parseGrid(bad), { message: /^\[bad-grid\] a grid is COLSxROWS/ });
});

test('a moving cursor is drawn between its updates, a little behind, and holds at the last', t => {
  const track = makeTrack({ delayMs: 100 });
  t.is(track.at(0), undefined);
  track.add({ t: 1000, x: 0, y: 0 });
  t.deepEqual(track.at(1050), { x: 0, y: 0 });
  track.add({ t: 1400, x: 40, y: 80 });
  t.deepEqual(track.at(1300), { x: 20, y: 40 }, 'halfway, 100 ms behind');
  t.deepEqual(track.at(9000), { x: 40, y: 80 }, 'it stopped: no overshoot');
  track.add({ t: 1200, x: 999, y: 999 });
  t.deepEqual(track.at(1300), { x: 20, y: 40 }, 'a late sample changes nothing');
});
