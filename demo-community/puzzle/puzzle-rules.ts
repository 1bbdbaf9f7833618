// demo-community/puzzle/puzzle-rules.ts: the jigsaw puzzle's critical state
// and the rules its arbiter (the host presence) applies to it, written on the
// public unum API only. Who holds which piece, where a released piece lies and
// which pieces are placed is critical: one arbiter decides, and every member
// checks its signature. A held piece's motion and each player's cursor are
// live state, fanned peer to peer (puzzle-player.ts), never signed.
//
// The table's geometry is in table.ts.
import { defineUnum, type Member, type OperationContext } from '../../index.js';
import { BOARD, BOARD_AT, seeded, TABLE } from './table.js';
/** A released piece within this distance of its slot snaps into it. */
export const SNAP = 20;
export const MAX_GRID = 16;
const AURA_RADIUS = Math.round(TABLE / Math.sqrt(4 * Math.PI));
/**
 * The aura a real game would ship: the 16 nearest within a quarter of the
 * table's area, by positions a quarter of the radius out of date at most (a
 * far peer's comes about once a second).
 */
export const PUZZLE_AURA = harden({
  radius: AURA_RADIUS,
  maxInAura: 16,
  margin: Math.round(AURA_RADIUS / 4),
});

export interface Piece {
  /** Top-left corner on the table, in table units (where it lies; a held piece moves with its holder). */
  x: number;
  y: number;
  /** The member holding it, if any. */
  holder?: string;
  holderName?: string;
  placed: boolean;
}

export interface PuzzleState {
  /** The picture is drawn from this seed. */
  seed: number;
  cols: number;
  rows: number;
  pieces: Piece[];
}

export interface PuzzleSetup {
  cols: number;
  rows: number;
  seed: number;
}

export const pieceSize = (state: Pick<PuzzleState, 'cols'>) => BOARD / state.cols;

/** Where piece `index` belongs. */
export const slotOf = (state: Pick<PuzzleState, 'cols'>, index: number) => ({
  x: BOARD_AT + (index % state.cols) * pieceSize(state),
  y: BOARD_AT + Math.floor(index / state.cols) * pieceSize(state),
});

/** Parses "8x8" (2 to 16 each way). */
export const parseGrid = (text: string): { cols: number; rows: number } => {
  const m = /^(\d{1,2})x(\d{1,2})$/.exec(text.trim());
  const cols = Number(m?.[1]);
  const rows = Number(m?.[2]);
  if (!m || cols < 2 || rows < 2 || cols > MAX_GRID || rows > MAX_GRID)
    throw Error(
      `[bad-grid] a grid is COLSxROWS, each 2 to ${MAX_GRID} (for example 8x8), not ${JSON.stringify(text)}`,
    );
  return { cols, rows };
};

/** A new puzzle: its pieces scattered over the table, none placed. */
export const newPuzzle = ({ cols, rows, seed }: PuzzleSetup): PuzzleState => {
  parseGrid(`${cols}x${rows}`);
  const random = seeded(seed);
  const size = BOARD / cols;
  const pieces = Array.from({ length: cols * rows }, () => ({
    x: Math.round(random() * (TABLE - size)),
    y: Math.round(random() * (TABLE - size)),
    placed: false,
  }));
  return { seed, cols, rows, pieces };
};

const clamp = (v: number, size: number) => Math.min(Math.max(v, 0), TABLE - size);

const pieceAt = (state: PuzzleState, text: string) => {
  const index = Number(text);
  const piece = state.pieces[index];
  if (!/^\d{1,3}$/.test(text) || !piece)
    throw Error(
      `[no-piece] there is no piece ${JSON.stringify(text)}; pieces are 0 to ${state.pieces.length - 1}`,
    );
  return { index, piece };
};

/** The holder counts only while a member: a piece held by someone who left is free. */
const heldBy = (piece: Piece, members: readonly Member[]) =>
  piece.holder !== undefined && members.some(m => m.vatId === piece.holder)
    ? piece.holder
    : undefined;

const withPiece = (state: PuzzleState, index: number, piece: Piece): PuzzleState => ({
  ...state,
  pieces: state.pieces.map((p, i) => (i === index ? piece : p)),
});

/** grab "<piece>": refused at once, naming the holder, if someone else holds it. */
const grab = (
  state: PuzzleState,
  content: string,
  author: Member,
  { members }: OperationContext,
) => {
  const { index, piece } = pieceAt(state, content);
  if (piece.placed) throw Error(`[placed] piece ${index} is already in its place`);
  const holder = heldBy(piece, members);
  if (holder === author.vatId) return state;
  if (holder !== undefined) throw Error(`[held] piece ${index} is held by ${piece.holderName}`);
  const other = state.pieces.findIndex(p => heldBy(p, members) === author.vatId);
  if (other >= 0) throw Error(`[holding] you hold piece ${other}; let go of it first`);
  const { x, y, placed } = piece;
  return withPiece(state, index, { x, y, placed, holder: author.vatId, holderName: author.name });
};

/** release "<piece> <x> <y>": lays the piece down there, in its slot if it is close enough. */
const release = (
  state: PuzzleState,
  content: string,
  author: Member,
  { members }: OperationContext,
) => {
  const [which = '', xs, ys] = content.split(' ');
  const { index, piece } = pieceAt(state, which);
  if (heldBy(piece, members) !== author.vatId)
    throw Error(`[not-holding] you do not hold piece ${index}`);
  const x = Number(xs);
  const y = Number(ys);
  if (!Number.isFinite(x) || !Number.isFinite(y))
    throw Error(`[bad-position] release needs a position: "${index} X Y"`);
  const slot = slotOf(state, index);
  const size = pieceSize(state);
  const placed = Math.hypot(x - slot.x, y - slot.y) <= SNAP;
  return withPiece(
    state,
    index,
    placed
      ? { ...slot, placed }
      : { x: Math.round(clamp(x, size)), y: Math.round(clamp(y, size)), placed },
  );
};

/**
 * The puzzle's unum definition. The host passes the new puzzle's setup; a
 * member joins with `puzzleUnum()` (its state comes from the host's snapshot).
 * `interest: false` (for comparison in bench:world) fans moves to every peer.
 */
export const puzzleUnum = (setup?: PuzzleSetup, { interest = true } = {}) =>
  defineUnum<PuzzleState>({
    type: 'jigsaw',
    initialState: setup ? newPuzzle(setup) : { seed: 0, cols: 0, rows: 0, pieces: [] },
    operations: { grab, release },
    kinds: [],
    ...(interest ? { aura: PUZZLE_AURA } : {}),
  });

/** Pieces in place, of all. */
export const progress = (state: PuzzleState) => ({
  placed: state.pieces.filter(p => p.placed).length,
  of: state.pieces.length,
});
