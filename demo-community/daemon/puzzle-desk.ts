// demo-community/daemon/puzzle-desk.ts: the jigsaw puzzles a running vat
// hosts and plays, kept in its store so a restarted vat hosts and joins them
// again, and the commands on them that the console (`stoa puzzle …`) and the
// puzzle page share. A watch streams the board as this vat draws it, at most
// every FRAME_MS, whenever it changed.
import type { HostedUnum, Vat } from '../../index.js';
import { hostPuzzle, joinPuzzle, type Board, type Player } from '../puzzle/puzzle-player.js';
import { parseGrid, progress, type PuzzleState } from '../puzzle/puzzle-rules.js';
import type { Handler } from './console-server.js';
import type { BoardView } from './puzzle-types.js';

const FRAME_MS = 50;

const PUZZLE_MIGRATIONS = harden([
  `CREATE TABLE IF NOT EXISTS desk_puzzles (
     kind TEXT NOT NULL, name TEXT NOT NULL, invite TEXT NOT NULL, member_name TEXT NOT NULL DEFAULT '',
     cols INTEGER NOT NULL DEFAULT 0, rows INTEGER NOT NULL DEFAULT 0, seed INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (kind, invite));`,
]);

const viewOf = (puzzle: string, board: Board): BoardView => ({
  puzzle,
  name: puzzle.split('~')[0]!,
  cols: board.state.cols,
  rows: board.state.rows,
  seed: board.state.seed,
  cseq: board.cseq,
  pieces: board.pieces.map(p => ({
    index: p.index,
    x: Math.round(p.x),
    y: Math.round(p.y),
    placed: p.placed,
    holder: p.holderName ?? null,
    mine: p.mine,
  })),
  cursors: board.cursors.map(c => ({ name: c.name, x: Math.round(c.x), y: Math.round(c.y) })),
  placed: progress(board.state).placed,
});

const numberArg = (value: unknown, what: string) => {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw Error(`[usage] ${what} must be a number`);
  return value;
};

export const makePuzzleDesk = (vat: Vat) => {
  const db = vat.tables('demo.puzzles', PUZZLE_MIGRATIONS);
  const remember = db.prepare(
    'INSERT OR REPLACE INTO desk_puzzles (kind, name, invite, member_name, cols, rows, seed) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const saved = db.prepare<{
    kind: string;
    name: string;
    invite: string;
    member_name: string;
    cols: number;
    rows: number;
    seed: number;
  }>('SELECT * FROM desk_puzzles');
  const hosted = new Map<string, HostedUnum<PuzzleState>>();
  const playing = new Map<string, { player: Player; name: string }>();

  const host = async (name: string, cols: number, rows: number, seed: number) => {
    const puzzle = await hostPuzzle(vat, { name, cols, rows, seed });
    hosted.set(puzzle.room, puzzle);
    remember.run('hosted', name, puzzle.invite, '', cols, rows, seed);
    return puzzle;
  };
  const enter = async (invite: string, name: string) => {
    const player = await joinPuzzle(vat, invite, { name });
    playing.set(player.replica.room, { player, name });
    remember.run('joined', '', invite, name, 0, 0, 0);
    return player;
  };
  /** A puzzle this vat plays, by its id or its name. */
  const find = (which: unknown) => {
    const key = typeof which === 'string' ? which : '';
    const entry =
      playing.get(key) ?? [...playing.entries()].find(([id]) => id.startsWith(`${key}~`))?.[1];
    if (!entry)
      throw Error(
        `[unknown-puzzle] this vat plays no puzzle ${JSON.stringify(key)}; see: stoa puzzles`,
      );
    return entry.player;
  };

  const handlers: Record<string, Handler> = {
    'puzzle.create': async ({ name, grid, seed }) => {
      if (typeof name !== 'string' || !name.trim()) throw Error('[usage] a puzzle needs a name');
      const { cols, rows } = parseGrid(typeof grid === 'string' ? grid : '8x8');
      const puzzle = await host(
        name.trim(),
        cols,
        rows,
        typeof seed === 'number' && Number.isSafeInteger(seed)
          ? seed
          : Math.floor(Math.random() * 2 ** 31),
      );
      return { puzzle: puzzle.room, invite: puzzle.invite, grid: `${cols}x${rows}` };
    },
    'puzzle.join': async ({ invite, name }) => {
      if (typeof invite !== 'string' || !invite) throw Error('[usage] needs an invite');
      if (typeof name !== 'string' || !name.trim()) throw Error('[usage] needs --name NAME');
      const player = await enter(invite, name.trim());
      return { puzzle: player.replica.room };
    },
    puzzles: async () => [
      ...[...hosted.values()].map(h => ({
        puzzle: h.room,
        role: 'host',
        members: h.snapshot().members.length,
        ...progress(h.snapshot().state),
      })),
      ...[...playing.entries()].map(([id, { player, name }]) => ({
        puzzle: id,
        role: 'player',
        as: name,
        members: player.replica.members().length,
        ...progress(player.board().state),
      })),
    ],
    'puzzle.grab': async ({ puzzle, piece }) => {
      const player = find(puzzle);
      await player.grab(numberArg(piece, 'piece'));
      return { holding: piece };
    },
    'puzzle.move': async ({ puzzle, x, y }) => {
      find(puzzle).moveTo(numberArg(x, 'x'), numberArg(y, 'y'));
      return null;
    },
    'puzzle.release': async ({ puzzle }) => find(puzzle).release(),
    'puzzle.board': async ({ puzzle }) => {
      const player = find(puzzle);
      return viewOf(player.replica.room, player.board());
    },
    'puzzle.watch': async ({ puzzle }, stream, closed) => {
      const player = find(puzzle);
      const room = player.replica.room;
      let last = '';
      let timer: NodeJS.Timeout | undefined;
      const frame = () => {
        timer = undefined;
        const view = JSON.stringify(viewOf(room, player.board()));
        if (view !== last) stream(JSON.parse(view));
        last = view;
      };
      // Motion is drawn interpolated: frames follow for a moment after the last change.
      const off = player.onChange(() => {
        timer ??= setTimeout(frame, FRAME_MS);
      });
      const settle = setInterval(frame, 200);
      frame();
      await closed;
      off();
      clearTimeout(timer);
      clearInterval(settle);
      return null;
    },
  };

  return {
    handlers,
    /** Hosts and joins again what the store holds; says which could not be, and why. */
    async restore() {
      const failed: Array<{ name: string; error: string }> = [];
      for (const row of saved.all()) {
        try {
          if (row.kind === 'hosted') await host(row.name, row.cols, row.rows, row.seed);
          else await enter(row.invite, row.member_name);
        } catch (error) {
          failed.push({
            name: row.name || row.member_name,
            error: String((error as Error).message),
          });
        }
      }
      return failed;
    },
    close() {
      for (const { player } of playing.values()) player.close();
      for (const puzzle of hosted.values()) puzzle.close();
    },
  };
};
