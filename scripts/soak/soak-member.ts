// A member vat for `npm run soak`, in its own process, driven through a
// Control (sturdy ref in its ready line). It keeps nothing that grows with
// the run: what it was shown since the last drain() is handed over and
// forgotten, so its heap measures the vat, not the test.
// Flags: --data DIR [--listen HOST:PORT]
import { parseArgs } from 'node:util';
import { Far, joinRoom, startVat, type ModeratedMember } from '../../index.js';
import { announceReady } from '../../harness/vat-program.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, listen: { type: 'string' } } });
const [host, port] = (values.listen ?? '127.0.0.1:0').split(':');
const vat = await startVat({ dataDir: values.data!, host: host!, port: Number(port) });
const gc = (globalThis as { gc?: () => void }).gc;

interface Shown {
  from: string;
  text: string;
  history: boolean;
  /** Now minus the send time the line carries (`soak <name> <n> <sentAt>`). */
  latencyMs: number;
}
let shown: Shown[] = [];
let equivocations = 0;
let gaps = 0;
let member: ModeratedMember | undefined;
let lastLine: string | undefined;

const control = Far('SoakMember', {
  async join(invite: string, name: string, presenceLimits: Record<string, number>) {
    member?.close();
    const joined = await joinRoom(vat, invite, {
      name,
      presenceLimits,
      limits: { minBackoffMs: 100, maxBackoffMs: 1_000 },
    });
    member = joined;
    joined.on('message', m => {
      lastLine = m.id;
      const sentAt = Number(m.text.split(' ')[3]);
      shown.push({
        from: m.from,
        text: m.text,
        history: m.history,
        latencyMs: Date.now() - sentAt,
      });
    });
    joined.on('equivocation', () => {
      equivocations += 1;
    });
    joined.on('gap', () => {
      gaps += 1;
    });
  },
  async say(text: string) {
    const result = await member!.say(text);
    return harden([...result.to]);
  },
  async leave() {
    await member?.leave();
    member = undefined;
  },
  report: () =>
    lastLine
      ? member!.report({ category: 'spam', flagged: [lastLine] }).then(() => 'reported')
      : 'nothing',
  drain() {
    const out = harden({ shown, equivocations, gaps });
    shown = [];
    equivocations = 0;
    gaps = 0;
    return out;
  },
  heapAfterGc() {
    if (!gc) throw Error('the soak member was started without --expose-gc');
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  },
});
announceReady(vat, control);
