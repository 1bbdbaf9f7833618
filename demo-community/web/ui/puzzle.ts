// demo-community/web/ui/puzzle.ts: the puzzle page beside a vat's chat page
// (same token, same socket). A canvas shows the table as this vat draws it:
// the picture's slots, the pieces (a piece in place is drawn in its slot),
// others' cursors and the pieces they drag. Press on a piece to grab it (the
// arbiter may refuse: someone holds it), drag it, let go to lay it down; near
// its slot it snaps in. By keyboard: arrows move the cursor (Shift: farther),
// Space or Enter grabs the piece under it or lays the held one down. The list
// under the canvas says who holds what, in words.
import type { BoardView } from '../../daemon/puzzle-types.js';
import { BOARD, BOARD_AT, TABLE } from '../../puzzle/table.js';
import { connect, type Connection } from './connection.js';
import { guarded, h, said, show } from './dom.js';

interface PuzzleInfo {
  puzzle: string;
  role: 'host' | 'player';
  as?: string;
  placed: number;
  of: number;
}

/** Cursor moves sent to the vat at most this often while the pointer moves. */
const MOVE_MS = 50;

/** The picture: a hue sweep across the board and a tint from the seed, so a solved board reads as one image. */
const colourOf = (view: BoardView, index: number) => {
  const col = index % view.cols;
  const row = Math.floor(index / view.cols);
  const hue = (view.seed % 360) + (col / view.cols) * 120;
  const light = 35 + (row / view.rows) * 35;
  return `hsl(${hue % 360} 65% ${light}%)`;
};

/** Bottom to top: placed pieces, then loose ones, then held ones; by index within each. */
const drawOrder = (view: BoardView) =>
  [...view.pieces].sort(
    (a, b) =>
      Number(!a.placed) - Number(!b.placed) ||
      Number(!!a.holder) - Number(!!b.holder) ||
      a.index - b.index,
  );

/** Keyboard steps, in table units. */
const STEP = 10;
const BIG_STEP = 50;

const draw = (canvas: HTMLCanvasElement, view: BoardView, me: { x: number; y: number }) => {
  const g = canvas.getContext('2d')!;
  const scale = canvas.width / TABLE;
  const size = (BOARD / view.cols) * scale;
  g.fillStyle = '#f4f1ea';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.strokeStyle = '#b9b2a3';
  g.lineWidth = 1;
  for (let i = 0; i < view.cols * view.rows; i += 1)
    g.strokeRect(
      (BOARD_AT + (i % view.cols) * (BOARD / view.cols)) * scale,
      (BOARD_AT + Math.floor(i / view.cols) * (BOARD / view.cols)) * scale,
      size,
      size,
    );
  for (const piece of drawOrder(view)) {
    g.fillStyle = colourOf(view, piece.index);
    g.fillRect(piece.x * scale, piece.y * scale, size, size);
    if (!piece.placed) {
      g.strokeStyle = piece.holder ? (piece.mine ? '#1a5fb4' : '#a51d2d') : '#3d3846';
      g.lineWidth = piece.holder ? 3 : 1;
      g.strokeRect(piece.x * scale, piece.y * scale, size, size);
      g.fillStyle = '#ffffff';
      g.font = `${Math.max(10, size / 3)}px system-ui, sans-serif`;
      g.fillText(
        String(piece.index),
        piece.x * scale + 4,
        piece.y * scale + Math.max(12, size / 3),
      );
    }
  }
  // This player's own cursor: a cross (where the keyboard's moves start).
  g.strokeStyle = '#1a5fb4';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(me.x * scale - 7, me.y * scale);
  g.lineTo(me.x * scale + 7, me.y * scale);
  g.moveTo(me.x * scale, me.y * scale - 7);
  g.lineTo(me.x * scale, me.y * scale + 7);
  g.stroke();
  for (const cursor of view.cursors) {
    g.fillStyle = '#a51d2d';
    g.beginPath();
    g.arc(cursor.x * scale, cursor.y * scale, 5, 0, Math.PI * 2);
    g.fill();
    g.font = '12px system-ui, sans-serif';
    g.fillText(cursor.name, cursor.x * scale + 8, cursor.y * scale - 6);
  }
};

/** The topmost piece drawn under a table point that is not in place. */
const pieceAt = (view: BoardView, x: number, y: number) => {
  const size = BOARD / view.cols;
  return drawOrder(view)
    .reverse()
    .find(p => !p.placed && x >= p.x && x < p.x + size && y >= p.y && y < p.y + size);
};

const start = async (vat: Connection) => {
  const app = document.getElementById('app')!;
  const list = h('ul', { class: 'rooms', 'data-testid': 'puzzles' });
  const title = h('h2', { 'data-testid': 'puzzle-title' }, 'No puzzle chosen');
  const progressNote = h('p', { class: 'muted', 'data-testid': 'puzzle-progress' });
  const note = h('p', { class: 'note', 'data-testid': 'puzzle-note', 'aria-live': 'polite' });
  const held = h('ul', { class: 'held', 'data-testid': 'held', 'aria-live': 'polite' });
  const canvas = h('canvas', {
    class: 'puzzle-canvas',
    'data-testid': 'puzzle-canvas',
    width: 600,
    height: 600,
    tabindex: 0,
    'aria-label':
      'The puzzle table: press on a piece, drag it, let go; or arrows to move, Space to grab and to lay down',
  });
  const pieceList = h('ul', { class: 'sr-only', 'data-testid': 'piece-list' });
  let view: BoardView | undefined;
  let dragging = false;
  /** Where this player's cursor is, in table units. */
  let me = { x: TABLE / 2, y: TABLE / 2 };
  let pending: { x: number; y: number } | undefined;
  let throttle: number | undefined;

  const tableXY = (event: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * TABLE,
      y: ((event.clientY - box.top) / box.height) * TABLE,
    };
  };
  const move = (x: number, y: number) => {
    me = { x: Math.round(x), y: Math.round(y) };
    return vat.ask('puzzle.move', { puzzle: view!.puzzle, ...me });
  };

  /** Grabs the piece drawn on top at `at`, if any; the arbiter may refuse. */
  const grabAt = (at: { x: number; y: number }) => {
    const piece = view && pieceAt(view, at.x, at.y);
    if (!piece) return false;
    void guarded(note, async () => {
      await move(at.x, at.y);
      await vat.ask('puzzle.grab', { puzzle: view!.puzzle, piece: piece.index });
      dragging = true;
      note.textContent = `You hold piece ${piece.index}: move it, then let go (or press Space) to lay it down.`;
    });
    return true;
  };
  const releaseAt = (at: { x: number; y: number }) => {
    dragging = false;
    pending = undefined;
    void guarded(note, async () => {
      await move(at.x, at.y);
      const laid = await vat.ask<{ index: number; placed: boolean }>('puzzle.release', {
        puzzle: view!.puzzle,
      });
      said(
        note,
        laid.placed ? `Piece ${laid.index} is in its place.` : `Piece ${laid.index} laid down.`,
      );
    });
  };

  canvas.addEventListener('pointerdown', event => {
    if (grabAt(tableXY(event))) canvas.setPointerCapture(event.pointerId);
  });
  // The cursor goes to the vat at most every MOVE_MS, and its last position always goes.
  const flushMove = () => {
    throttle = undefined;
    if (!pending || !view) return;
    const at = pending;
    pending = undefined;
    void move(at.x, at.y).catch(() => undefined); // the next move says it again
    throttle = window.setTimeout(flushMove, MOVE_MS);
  };
  canvas.addEventListener('pointermove', event => {
    pending = tableXY(event);
    if (throttle === undefined) flushMove();
  });
  canvas.addEventListener('pointerup', event => {
    if (view && dragging) releaseAt(tableXY(event));
  });
  const ARROWS: Record<string, [number, number]> = {
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0],
    ArrowUp: [0, -1],
    ArrowDown: [0, 1],
  };
  canvas.addEventListener('keydown', event => {
    if (!view) return;
    const arrow = ARROWS[event.key];
    if (arrow) {
      event.preventDefault();
      const step = event.shiftKey ? BIG_STEP : STEP;
      const clamp = (v: number) => Math.min(Math.max(v, 0), TABLE);
      pending = { x: clamp(me.x + arrow[0] * step), y: clamp(me.y + arrow[1] * step) };
      me = pending;
      draw(canvas, view, me);
      if (throttle === undefined) flushMove();
    } else if (event.key === ' ' || event.key === 'Enter') {
      event.preventDefault();
      if (dragging) releaseAt(me);
      else if (!grabAt(me))
        note.textContent = 'No piece under your cursor: move onto one with the arrows.';
    }
  });

  const shown = (next: BoardView) => {
    view = next;
    draw(canvas, next, me);
    show(progressNote, `${next.placed} of ${next.pieces.length} pieces in place`);
    // The table in words, for a screen reader (and the tests): where each loose piece lies.
    show(
      pieceList,
      ...next.pieces
        .filter(p => !p.placed)
        .map(p =>
          h(
            'li',
            { 'data-piece': p.index, 'data-x': p.x, 'data-y': p.y, 'data-held': !!p.holder },
            `Piece ${p.index} at ${p.x}, ${p.y}${p.holder ? `, held by ${p.mine ? 'you' : p.holder}` : ''}`,
          ),
        ),
    );
    const holding = next.pieces.filter(p => p.holder);
    show(
      held,
      ...(holding.length
        ? holding.map(p =>
            h(
              'li',
              { 'data-testid': 'held-piece', 'data-piece': p.index, 'data-x': p.x, 'data-y': p.y },
              `Piece ${p.index}: held by ${p.mine ? 'you' : p.holder}`,
            ),
          )
        : [h('li', { class: 'muted' }, 'Nobody holds a piece.')]),
    );
  };

  const choose = async (puzzle: string) => {
    title.textContent = `Puzzle ${puzzle.split('~')[0]}`;
    document.title = `${title.textContent} — Stoa`;
    shown(await vat.ask<BoardView>('puzzle.board', { puzzle }));
    await vat.watch('puzzle.watch', { puzzle }, shown);
  };

  show(
    app,
    h('header', {}, h('h1', {}, 'Stoa'), h('a', { href: './' }, 'Back to the chat')),
    h(
      'main',
      { class: 'puzzle-layout' },
      h('aside', {}, h('h2', {}, 'Puzzles'), list),
      h(
        'section',
        { class: 'puzzle' },
        title,
        progressNote,
        canvas,
        pieceList,
        note,
        h('h3', {}, 'Who holds what'),
        held,
      ),
    ),
  );
  const puzzles = await vat.ask<PuzzleInfo[]>('puzzles');
  const playing = puzzles.filter(p => p.role === 'player');
  show(
    list,
    ...(playing.length
      ? playing.map(p =>
          h(
            'li',
            {},
            h(
              'a',
              { href: `?p=${encodeURIComponent(p.puzzle)}` },
              `${p.puzzle.split('~')[0]} (as ${p.as})`,
            ),
            ` ${p.placed} of ${p.of} in place`,
          ),
        )
      : [
          h(
            'li',
            { class: 'muted' },
            'No puzzles yet: join one with stoa puzzle join INVITE --name NAME.',
          ),
        ]),
  );
  const wanted = new URLSearchParams(location.search).get('p');
  const first = playing.find(p => p.puzzle === wanted) ?? playing[0];
  if (first) await choose(first.puzzle);
};

connect().then(start, (error: Error) => {
  document.getElementById('app')!.textContent = error.message;
});
