// demo-community/daemon/puzzle-types.ts: what the puzzle desk sends the page,
// in a module of types only, so the page's bundle can share it.

/** What the page draws: the board with names, sizes in table units. */
export interface BoardView {
  puzzle: string;
  name: string;
  cols: number;
  rows: number;
  seed: number;
  cseq: number;
  pieces: Array<{
    index: number;
    x: number;
    y: number;
    placed: boolean;
    holder: string | null;
    mine: boolean;
  }>;
  cursors: Array<{ name: string; x: number; y: number }>;
  placed: number;
}
