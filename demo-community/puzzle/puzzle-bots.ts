// demo-community/puzzle/puzzle-bots.ts: a vat program running K puzzle
// players (bots), each its own vat with its own identity and listener, in one
// process; or the puzzle's host. Driven by its parent through a Control
// object (its sturdy ref is in the ready line): the multi-process tests and
// `npm run bench:world` use it, several vats per process when N is large.
// Flags: --data DIR [--listen HOST:PORT] [--bots K] [--interest on|off]
// 'stoa' first: it locks down before anything hardens.
import { Far, startVat, type HostedUnum, type Vat } from '../../index.js';
import { announceReady } from '../../harness/vat-program.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hostPuzzle, joinPuzzle, type Player } from './puzzle-player.js';
import { pieceSize, PUZZLE_AURA, type PuzzleState } from './puzzle-rules.js';
import { seeded, TABLE } from './table.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    listen: { type: 'string' },
    bots: { type: 'string', default: '1' },
    interest: { type: 'string', default: 'on' },
  },
});
const count = Number(values.bots);
if (!Number.isSafeInteger(count) || count < 1 || count > 200)
  throw Error(`[usage] --bots is 1 to 200, got ${values.bots}`);
const [host, port] = (values.listen ?? '127.0.0.1:0').split(':');
const vats: Vat[] = await Promise.all(
  Array.from({ length: count }, (_, i) => {
    const dataDir = join(values.data!, `bot-${i}`);
    mkdirSync(dataDir, { recursive: true });
    return startVat({ dataDir, host: host!, port: i === 0 ? Number(port) : 0 });
  }),
);

let hosted: HostedUnum<PuzzleState> | undefined;
let players: Player[] = [];
const player = (i: number) => {
  const p = players[i];
  if (!p) throw Error(`[usage] there is no bot ${i}; this process runs ${players.length}`);
  return p;
};
/** A call's outcome as data: the parent compares refusals by their text. */
const outcome = async (run: () => Promise<unknown>) => {
  try {
    return harden({ ok: true, value: (await run()) ?? null });
  } catch (error) {
    return harden({ ok: false, error: String((error as Error).message) });
  }
};

/**
 * Per receiving bot: the latencies (sender's stamp to arrival) of the moves it
 * is interested in (with interest on: within the aura's radius of its own
 * cursor; the others come at the far rate by design), and what each sender last said.
 */
const received = {
  latencies: [] as number[],
  /** Every stamped update received, interested or not. */
  deliveries: 0,
  lastSeq: new Map<string, number>(),
};
const interest = values.interest !== 'off';
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** Bytes the bots' vats sent to each other (not to the process driving them). */
const botBytes = (driver: string) =>
  vats.reduce(
    (n, v) => n + v.stats().peers.reduce((m, p) => (p.peer === driver ? m : m + p.bytesSent), 0),
    0,
  );

/** Every bot grabs a free piece: it starts from a random one and takes the next the arbiter grants. */
const grabAll = async (seed: number) => {
  const random = seeded(seed);
  await Promise.all(
    players.map(async bot => {
      const count = bot.board().state.pieces.length;
      const start = Math.floor(random() * count);
      for (let k = 0; k < count; k += 1) {
        const index = (start + k) % count;
        const piece = bot.board().state.pieces[index]!;
        if (piece.placed || piece.holder) continue;
        bot.moveTo(piece.x + 1, piece.y + 1);
        if ((await outcome(() => bot.grab(index))).ok) return;
      }
    }),
  );
};

/** Every bot random-walks across the whole table at `ups` updates/s for `seconds`, stamping each update. */
const walkAll = async ({
  ups,
  seconds,
  seed,
  warmUp = false,
}: {
  ups: number;
  seconds: number;
  seed: number;
  /** Updates numbered -1, -2, …: receivers count nothing of them. */
  warmUp?: boolean;
}) => {
  const random = seeded(seed);
  const deadline = Date.now() + seconds * 1000;
  return Promise.all(
    players.map(async bot => {
      const size = pieceSize(bot.board().state);
      // From where the bot is (its piece, or where the last walk left it): a
      // jump would leave every peer's idea of its position wrong for a while.
      let { x, y } = bot.cursor();
      let sent = 0;
      while (Date.now() < deadline) {
        x = Math.min(Math.max(x + (random() - 0.5) * 60, 0), TABLE - size);
        y = Math.min(Math.max(y + (random() - 0.5) * 60, 0), TABLE - size);
        sent += 1;
        bot.moveTo(x, y);
        bot.replica.presence.setLive('at', `${warmUp ? -sent : sent} ${Date.now()}`);
        await new Promise(resolve => setTimeout(resolve, 1000 / ups));
      }
      return sent;
    }),
  );
};

const control = Far('PuzzleBots', {
  /** Hosts a puzzle for up to `capacity` players (default: the unum's, 64). */
  async host(name: string, cols: number, rows: number, seed: number, capacity?: number) {
    hosted = await hostPuzzle(vats[0]!, {
      name,
      cols,
      rows,
      seed,
      ...(capacity ? { capacity } : {}),
    });
    return harden({ invite: hosted.invite });
  },
  /** The host's signed state: holders as the arbiter decided them. */
  hostedState: () => {
    if (!hosted) throw Error('[usage] this process hosts no puzzle');
    return hosted.snapshot().state;
  },
  async join(invite: string, prefix: string) {
    // One at a time: a hundred joins at once would only queue at the host.
    players = [];
    for (const [i, vat] of vats.entries())
      players.push(
        await joinPuzzle(vat, invite, {
          name: `${prefix}${i}`,
          interest: values.interest !== 'off',
        }),
      );
    for (const bot of players) {
      bot.replica.presence.on('live', ({ peer, key, value }) => {
        if (key !== 'at') return;
        const [seq, at] = value.split(' ').map(Number);
        if (!(seq! > 0)) return; // a warm-up's
        received.deliveries += 1;
        const from = bot.replica.presence.positionOf(peer);
        const mine = bot.cursor();
        if (
          !interest ||
          !from ||
          Math.hypot(from.x - mine.x, from.y - mine.y) <= PUZZLE_AURA.radius
        )
          received.latencies.push(Date.now() - at!);
        received.lastSeq.set(`${bot.replica.self} ${peer}`, seq!);
      });
    }
    return harden(players.map(p => p.replica.self));
  },
  moveTo: (i: number, x: number, y: number) => player(i).moveTo(x, y),
  grab: (i: number, piece: number) => outcome(() => player(i).grab(piece)),
  release: (i: number) => outcome(() => player(i).release()),
  /** Bot i's board as it draws it once motion settles. */
  board: (i: number) => {
    const board = player(i).board(Date.now() + 1_000);
    return harden({
      cseq: board.cseq,
      pieces: board.pieces.map(({ index, x, y, placed, holderName }) => ({
        index,
        x: Math.round(x),
        y: Math.round(y),
        placed,
        holder: holderName ?? null,
      })),
      cursors: board.cursors.map(c => c.name),
    });
  },
  /** Resolves once bot i draws piece `index` at (x, y) held by `holder` (null: nobody), or after `withinMs`. */
  waitForPiece: (
    i: number,
    want: { index: number; x: number; y: number; holder: string | null },
    withinMs: number,
  ) =>
    new Promise<boolean>(resolve => {
      const bot = player(i);
      const check = () => {
        const p = bot.board(Date.now() + 1_000).pieces[want.index];
        if (!p || Math.round(p.x) !== want.x || Math.round(p.y) !== want.y) return;
        if ((p.holderName ?? null) !== want.holder) return;
        done(true);
      };
      const timer = setTimeout(() => done(false), withinMs);
      const off = bot.onChange(check);
      const done = (seen: boolean) => {
        clearTimeout(timer);
        off();
        resolve(seen);
      };
      check();
    }),
  grabAll: (seed: number) => grabAll(seed),
  walk: (opts: { ups: number; seconds: number; seed: number; warmUp?: boolean }) => walkAll(opts),
  /** This process's CPU and the bytes its bots sent each other, so far (`driver`: the caller's vat id). */
  usage: (driver: string) => harden({ cpuMs: cpuMs(), bytesSent: botBytes(driver) }),
  /** What this process's bots received (the latencies since the last call). */
  stats: () =>
    harden({
      latencies: received.latencies.splice(0),
      deliveries: received.deliveries,
      lastSeq: Object.fromEntries(received.lastSeq),
      ignoredHolds: players.reduce((n, p) => n + p.stats().ignoredHolds, 0),
      // Holders as the signed state a member checked says: none may repeat.
      holders: (players[0]?.board().state.pieces ?? []).flatMap(p => (p.holder ? [p.holder] : [])),
    }),
});

announceReady(vats[0]!, control, {
  beforeClose: async () => {
    for (const p of players) p.close();
    hosted?.close();
    await Promise.all(vats.slice(1).map(v => v.close()));
  },
});
