// A participant's vat for the community demo: its own process, with the same
// room desk and web page as `stoa vat start`, doing what the demo script asks
// through a Control object (sturdy ref in its ready line).
// Flags: --data DIR --name NAME [--via-relay HOST:PORT]
import { parseArgs } from 'node:util';
import { Far, startVat, type ModeratedMember } from '../index.js';
import { makeRoomDesk } from './daemon/room-desk.js';
import { makePuzzleDesk } from './daemon/puzzle-desk.js';
import { serveWeb } from './web/web-server.js';
import { announceReady } from '../harness/vat-program.js';
import { installLastResort } from '../vat/index.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    name: { type: 'string' },
    'via-relay': { type: 'string', multiple: true },
  },
});
installLastResort('stoa demo participant');
const vat = await startVat({ dataDir: values.data!, relays: values['via-relay'] ?? [] });
const name = values.name ?? 'someone';
const desk = makeRoomDesk(vat);
const puzzles = makePuzzleDesk(vat);
const web = await serveWeb({
  page: 'participant',
  pages: ['puzzle'],
  title: `${name} · Stoa`,
  handlers: { ...desk.handlers, ...puzzles.handlers },
});
/** Runs a desk command as the page would (nothing streams; nothing hangs up). */
const call = (cmd: string, args: Record<string, unknown>) =>
  (desk.handlers[cmd] ?? puzzles.handlers[cmd])!(args, () => {}, new Promise(() => {}));
let room: string | undefined;
let me: ModeratedMember | undefined;
const log: string[] = [];
const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
const note = (line: string) => {
  log.push(line);
  for (const w of [...waiters]) {
    if (w.match(line)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  }
};
const need = () => {
  if (!room || !me) throw Error(`${name} has not joined a room`);
  return room;
};

const control = Far('Participant', {
  async join(invite: string) {
    room = ((await call('room.join', { invite, name })) as { room: string }).room;
    me = desk.member(room);
    me.on('message', m => note(`heard ${m.name}: ${m.text}`));
    me.on('filtered', f =>
      note(`filtered ${f.message.name}: ${f.message.text} (rule ${f.hit.rule}, ${f.hit.action})`),
    );
    me.on('reported', r => {
      const result = r.result as {
        verdict: string;
        receipt: { index: number; checkpoint: { checkpoint: string } };
      };
      const checkpoint = JSON.parse(result.receipt.checkpoint.checkpoint);
      note(
        `reported: verdict ${result.verdict}, receipt for log entry ${result.receipt.index} in a log of ${checkpoint.size} (root ${checkpoint.root.slice(0, 16)}…)`,
      );
    });
    me.on('removed', r => note(`removed: ${r.reason}`));
    return harden({ self: vat.id, web: web.url });
  },
  /** Joins the demo's puzzle; its page is beside the chat page. */
  async joinPuzzle(invite: string) {
    await call('puzzle.join', { invite, name });
    return `${web.url}puzzle`;
  },
  say: async (text: string) => ((await call('say', { room: need(), text })) as { to: number }).to,
  whisper: async (to: string, text: string) =>
    ((await call('whisper', { room: need(), to, text })) as { to: number }).to,
  waitFor: (prefix: string, timeoutMs = 15_000) =>
    log.find(l => l.startsWith(prefix)) ??
    new Promise<string>((resolve, reject) => {
      waiters.push({ match: l => l.startsWith(prefix), resolve });
      setTimeout(() => reject(Error(`${name} never saw "${prefix}…"`)), timeoutMs).unref();
    }),
  roster: () =>
    harden(
      desk
        .member(need())
        .roster()
        .map(m => m.name),
    ),
  bytesSent: () => harden(Object.fromEntries(vat.stats().peers.map(p => [p.peer, p.bytesSent]))),
});
announceReady(vat, control, {
  beforeClose: async () => {
    await web.close();
    puzzles.close();
    desk.close();
  },
});
