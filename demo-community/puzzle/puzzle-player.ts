// demo-community/puzzle/puzzle-player.ts: one player's side of a jigsaw
// puzzle, on the public unum API. Grabs and releases are critical requests
// the arbiter decides (a grab of a held piece is refused with the holder's
// name); the cursor is the presence's position and a held piece rides on it
// at the offset it was grabbed at (the live value `hold`), so one update per
// tick moves both, fanned peer to peer to the peers in the aura. A `hold` is
// drawn only while the signed state names its sender as the piece's holder
// (it may arrive before the state that makes it true); otherwise it is ignored.
import {
  hostUnum,
  joinUnum,
  type HostedUnum,
  type Replica,
  type Vat,
  type VatId,
} from '../../index.js';
import { makeTrack, type Track } from './motion.js';
import { puzzleUnum, type PuzzleSetup, type PuzzleState } from './puzzle-rules.js';

export interface DrawnPiece {
  index: number;
  x: number;
  y: number;
  placed: boolean;
  holderName?: string;
  /** Held by this player. */
  mine: boolean;
}

export interface Cursor {
  vatId: VatId;
  name: string;
  x: number;
  y: number;
}

export interface Board {
  /** The state as the arbiter signed it (its cseq says how new). */
  state: PuzzleState;
  cseq: number;
  pieces: DrawnPiece[];
  /** Other players' cursors, as estimated now. */
  cursors: Cursor[];
}

export interface PlayerStats {
  /** Cursor updates received. */
  moves: number;
  /** `hold` values not drawn: when drawn, the signed state did not name the sender as that piece's holder. */
  ignoredHolds: number;
}

export interface Player {
  readonly replica: Replica<PuzzleState>;
  /** Moves this player's cursor (and the piece it holds). */
  moveTo(x: number, y: number): void;
  /** Where this player's cursor is. */
  cursor(): { x: number; y: number };
  /** Asks the arbiter for a piece: resolves once it is ours, rejects `[held] … is held by NAME`. */
  grab(index: number): Promise<void>;
  /** Lays the held piece down where the cursor has it; `placed` if it snapped into its slot. */
  release(): Promise<{ index: number; placed: boolean }>;
  board(now?: number): Board;
  stats(): PlayerStats;
  /** Called at each change worth drawing (a signed state, a peer's move). */
  onChange(listener: () => void): () => void;
  leave(): Promise<void>;
  close(): void;
}

interface Hold {
  index: number;
  dx: number;
  dy: number;
  /** Counted once in ignoredHolds. */
  ignored?: boolean;
}

const parseHold = (value: string): Hold | undefined => {
  const [i, dx, dy] = value.split(' ').map(Number);
  return Number.isSafeInteger(i) && Number.isFinite(dx) && Number.isFinite(dy)
    ? { index: i!, dx: dx!, dy: dy! }
    : undefined;
};

export const makePlayer = (replica: Replica<PuzzleState>): Player => {
  const { presence } = replica;
  const cursors = new Map<VatId, Track>();
  const holds = new Map<VatId, Hold>();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  let me = { x: 0, y: 0 };
  let mine: Hold | undefined;
  const stats: PlayerStats = { moves: 0, ignoredHolds: 0 };
  const state = () => replica.snapshot().state;

  const moved = (peer: VatId, x: number, y: number) => {
    const track = cursors.get(peer) ?? makeTrack();
    cursors.set(peer, track);
    track.add({ t: Date.now(), x, y });
  };
  const held = (peer: VatId, value: string) => {
    const hold = value === '' ? undefined : parseHold(value);
    if (hold) holds.set(peer, hold);
    else holds.delete(peer);
  };
  // What peers said while this member was still joining, before these listeners.
  for (const peer of presence.linked()) {
    const at = presence.positionOf(peer);
    if (at) moved(peer, at.x, at.y);
    const { hold } = presence.liveOf(peer);
    if (hold !== undefined) held(peer, hold);
  }
  const offs = [
    presence.on('position', ({ peer, x, y }) => {
      stats.moves += 1;
      moved(peer, x, y);
      changed();
    }),
    presence.on('live', ({ peer, key, value }) => {
      if (key !== 'hold') return;
      held(peer, value);
      changed();
    }),
    replica.on('snapshot', changed),
  ];

  /** The held pieces others drag, by holder: only those the signed state agrees with. */
  const confirmedHolds = () => {
    const pieces = state().pieces;
    const confirmed = new Map<VatId, Hold>();
    for (const [peer, hold] of holds) {
      if (pieces[hold.index]?.holder === peer) confirmed.set(peer, hold);
      else if (!hold.ignored) {
        hold.ignored = true;
        stats.ignoredHolds += 1;
      }
    }
    return confirmed;
  };

  const drawn = (now: number): DrawnPiece[] => {
    const dragged = confirmedHolds();
    return state().pieces.map((piece, index) => {
      const base = { index, placed: piece.placed, mine: piece.holder === replica.self };
      const named =
        piece.holderName === undefined ? base : { ...base, holderName: piece.holderName };
      if (piece.holder === replica.self && mine?.index === index)
        return { ...named, x: me.x + mine.dx, y: me.y + mine.dy };
      const hold = piece.holder === undefined ? undefined : dragged.get(piece.holder);
      const cursor = piece.holder === undefined ? undefined : cursors.get(piece.holder)?.at(now);
      if (hold?.index === index && cursor)
        return { ...named, x: cursor.x + hold.dx, y: cursor.y + hold.dy };
      return { ...named, x: piece.x, y: piece.y };
    });
  };

  return {
    replica,
    moveTo(x, y) {
      me = { x, y };
      presence.move(me);
    },
    cursor: () => ({ ...me }),
    async grab(index) {
      await replica.request('grab', String(index));
      const piece = state().pieces[index]!;
      mine = { index, dx: piece.x - me.x, dy: piece.y - me.y };
      presence.setLive('hold', `${index} ${mine.dx} ${mine.dy}`);
    },
    async release() {
      if (!mine) throw Error('[not-holding] you hold no piece; grab one first');
      const { index, dx, dy } = mine;
      const x = Math.round(me.x + dx);
      const y = Math.round(me.y + dy);
      await replica.request('release', `${index} ${x} ${y}`);
      mine = undefined;
      presence.setLive('hold', '');
      return { index, placed: state().pieces[index]!.placed };
    },
    board(now = Date.now()) {
      const names = new Map(replica.members().map(m => [m.vatId, m.name]));
      return {
        state: state(),
        cseq: replica.snapshot().cseq,
        pieces: drawn(now),
        cursors: [...cursors]
          .filter(([vatId]) => names.has(vatId))
          .flatMap(([vatId, track]) => {
            const at = track.at(now);
            return at ? [{ vatId, name: names.get(vatId)!, ...at }] : [];
          }),
      };
    },
    stats: () => ({ ...stats }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async leave() {
      for (const off of offs) off();
      await replica.leave();
    },
    close() {
      for (const off of offs) off();
      replica.close();
    },
  };
};

/** Hosts a new puzzle (or, on the same data directory and name, the one already there). */
export const hostPuzzle = (
  vat: Vat,
  opts: { name: string; capacity?: number } & PuzzleSetup,
): Promise<HostedUnum<PuzzleState>> =>
  hostUnum(vat, puzzleUnum({ cols: opts.cols, rows: opts.rows, seed: opts.seed }), {
    name: opts.name,
    ...(opts.capacity ? { capacity: opts.capacity } : {}),
  });

export const joinPuzzle = async (
  vat: Vat,
  invite: string,
  opts: { name: string; interest?: boolean },
) =>
  makePlayer(
    await joinUnum(vat, puzzleUnum(undefined, { interest: opts.interest ?? true }), invite, {
      name: opts.name,
    }),
  );
