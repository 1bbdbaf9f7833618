// bench:fanout hub: the room's host vat (Stoa), or a plain central ws relay
// that broadcasts every unsigned line to everyone else (the baseline).
// argv: stoa DATA_DIR | relay
import '../vat/lockdown.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { startVat } from '../vat/index.js';
import { createRoom } from '../unum/index.js';
import { cpuMs, onCommands } from './fanout-common.js';

const [mode, dataDir] = process.argv.slice(2);
let bytesSent: () => number;
let ready: Record<string, unknown>;
if (mode === 'stoa') {
  const vat = await startVat({ dataDir: dataDir!, limits: { heartbeatMs: 60_000 } });
  const room = await createRoom(vat, { name: 'bench', capacity: 1_000 });
  bytesSent = () => vat.stats().peers.reduce((n, p) => n + p.bytesSent, 0);
  ready = { invite: room.invite };
} else {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise(resolve => wss.once('listening', resolve));
  let sent = 0;
  wss.on('connection', (ws: WebSocket) =>
    ws.on('message', data => {
      for (const other of wss.clients) {
        if (other !== ws) {
          sent += (data as Buffer).length;
          other.send(data, { binary: false });
        }
      }
    }),
  );
  bytesSent = () => sent;
  ready = { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}` };
}
console.log(JSON.stringify({ event: 'ready', ...ready }));
let cpuAtStart = 0;
let bytesAtStart = 0;
onCommands(command => {
  if (command.cmd === 'start') {
    cpuAtStart = cpuMs();
    bytesAtStart = bytesSent();
    return undefined;
  }
  if (command.cmd === 'report')
    return { event: 'report', cpuMs: cpuMs() - cpuAtStart, bytesSent: bytesSent() - bytesAtStart };
  if (command.cmd === 'exit') process.exit(0);
  return undefined;
});
