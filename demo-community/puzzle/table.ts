// demo-community/puzzle/table.ts: the puzzle table's geometry and the seeded
// generator its scatter comes from, with no imports, so the page's bundle and
// the benchmark's plain ws clients share them. The table is TABLE × TABLE
// units, whatever the grid; the picture's slots fill the centred square
// BOARD × BOARD; a piece is BOARD / cols wide.
export const TABLE = 1000;
export const BOARD = 600;
export const BOARD_AT = (TABLE - BOARD) / 2;

/** A small deterministic generator (mulberry32): the scatter and the picture follow from the seed. */
export const seeded = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
