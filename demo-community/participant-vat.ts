// A participant's vat for the community demo: its own process, joining a room
// and doing what the demo script asks through a Control object (sturdy ref in
// its ready line). Flags: --data DIR --name NAME
import { parseArgs } from 'node:util';
import { Far, joinRoom, startVat, type RoomMember } from '../index.js';
import { announceReady } from './vat-program.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, name: { type: 'string' }, listen: { type: 'string' } } });
const vat = await startVat({ dataDir: values.data! });
const name = values.name ?? 'someone';
let me: RoomMember | undefined;
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
  if (!me) throw Error(`${name} has not joined a room`);
  return me;
};
const ids = new Map<string, string>();

const control = Far('Participant', {
  async join(invite: string) {
    me = await joinRoom(vat, invite, { name });
    me.on('message', m => {
      ids.set(m.text, m.id);
      note(`heard ${m.name}: ${m.text}`);
    });
    me.on('filtered', f => note(`filtered ${f.message.name}: ${f.message.text} (rule ${f.hit.rule}, ${f.hit.action})`));
    me.on('reported', r => {
      const result = r.result as { verdict: string; receipt: { index: number; checkpoint: { checkpoint: string } } };
      const checkpoint = JSON.parse(result.receipt.checkpoint.checkpoint);
      note(`reported: verdict ${result.verdict}, receipt for log entry ${result.receipt.index} in a log of ${checkpoint.size} (root ${checkpoint.root.slice(0, 16)}…)`);
    });
    me.on('removed', r => note(`removed: ${r.reason}`));
    return harden({ self: vat.id });
  },
  say: async (text: string) => (await need().say(text)).to.length,
  whisper: async (to: string, text: string) => (await need().whisper(to, text)).to.length,
  waitFor: (prefix: string, timeoutMs = 15_000) =>
    log.find(l => l.startsWith(prefix)) ??
    new Promise<string>((resolve, reject) => {
      waiters.push({ match: l => l.startsWith(prefix), resolve });
      setTimeout(() => reject(Error(`${name} never saw "${prefix}…"`)), timeoutMs).unref();
    }),
  roster: () => harden(need().roster().map(m => m.name)),
  bytesSent: () => harden(Object.fromEntries(vat.stats().peers.map(p => [p.peer, p.bytesSent]))),
});
announceReady(vat, control);
