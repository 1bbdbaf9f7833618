// bench:fanout participant: one vat (Stoa) or one ws client (relay) per process.
// argv: stoa DATA_DIR INDEX | relay URL INDEX
import '../vat/lockdown.js';
import { WebSocket } from 'ws';
import { startVat } from '../vat/index.js';
import { joinRoom } from '../unum/index.js';
import { cpuMs, makeRecorder, onCommands, sendLines } from './fanout-common.js';

const [mode, where, index] = process.argv.slice(2);
const i = Number(index);
const recorder = makeRecorder();
let send: (text: string) => unknown;
let bytesSent = () => 0;
/** Delivery forms this vat could not resolve and asked their sender for whole (docs/protocol.md §5.14). */
let askedWhole = () => 0;
let join: (invite: string) => Promise<void> = async () => {};

if (mode === 'stoa') {
  const vat = await startVat({ dataDir: where!, limits: { heartbeatMs: 60_000 } });
  join = async invite => {
    const me = await joinRoom(vat, invite, { name: `p${i}` });
    me.on('message', m => recorder.record(m.text, i));
    send = text => me.say(text);
    askedWhole = () => me.stats().askedWhole;
  };
  bytesSent = () => vat.stats().peers.reduce((n, p) => n + p.bytesSent, 0);
} else {
  const ws = new WebSocket(where!, { perMessageDeflate: false });
  let sent = 0;
  await new Promise(resolve => ws.once('open', resolve));
  ws.on('message', data => recorder.record(String(data), i));
  send = text => {
    sent += text.length;
    ws.send(text);
  };
  bytesSent = () => sent;
}
console.log(JSON.stringify({ event: 'ready' }));

let cpuAtStart = 0;
let bytesAtStart = 0;
let askedAtStart = 0;
/** process.hrtime in µs, the clock of a --cpu-prof profile: the measured span. */
const hrUs = () => Number(process.hrtime.bigint() / 1000n);
let startUs = 0;
onCommands(async command => {
  if (command.cmd === 'join') {
    await join(String(command.invite));
    return { event: 'joined' };
  }
  if (command.cmd === 'warm') {
    // Lines each, heard by all, before the measured span: every peer link is
    // dialed and authenticated by then, so the span measures fan-out alone.
    const before = cpuMs();
    const lines = Number(command.lines);
    await sendLines(
      i,
      lines,
      Number(command.intervalMs),
      Number(command.startAt),
      Number(command.phase),
      send,
      -lines,
    );
    await recorder.warmedUp(Number(command.others) * lines);
    return { event: 'warm', cpuMs: cpuMs() - before };
  }
  if (command.cmd === 'start') {
    cpuAtStart = cpuMs();
    bytesAtStart = bytesSent();
    askedAtStart = askedWhole();
    startUs = hrUs();
    await sendLines(
      i,
      Number(command.count),
      Number(command.intervalMs),
      Number(command.startAt),
      Number(command.phase),
      send,
    );
    return { event: 'sent' };
  }
  if (command.cmd === 'report') {
    return {
      event: 'report',
      ...recorder.report(),
      cpuMs: cpuMs() - cpuAtStart,
      bytesSent: bytesSent() - bytesAtStart,
      askedWhole: askedWhole() - askedAtStart,
      span: [startUs, hrUs()],
    };
  }
  if (command.cmd === 'exit') process.exit(0);
  return undefined;
});
