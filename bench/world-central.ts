// bench:world baseline server: an RCAT-like authoritative central WebSocket
// server for the same jigsaw. It checks each grab (one holder per piece, one
// piece per player) and broadcasts every move of a held piece to every other
// client, dropping moves of pieces the sender does not hold. Plain ws on
// 127.0.0.1, no TLS and no signatures: the cheapest server that enforces the rules.
// Driven on stdin/stdout like the bench:fanout hub.
import { WebSocketServer, type WebSocket } from 'ws';
import { cpuMs, onCommands } from './fanout-common.js';

const PIECES = Number(process.argv[2] ?? 64);
const holderOf = new Map<number, WebSocket>();
const holding = new Map<WebSocket, number>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await new Promise(resolve => wss.once('listening', resolve));
let sent = 0;
let conflicts = 0;

wss.on('connection', (ws: WebSocket) => {
  ws.on('message', data => {
    const text = String(data);
    const message = JSON.parse(text) as { t: string; p: number };
    if (message.t === 'grab') {
      const holder = holderOf.get(message.p);
      const ok = message.p >= 0 && message.p < PIECES && !holder && !holding.has(ws);
      if (ok) {
        holderOf.set(message.p, ws);
        holding.set(ws, message.p);
      }
      ws.send(JSON.stringify({ t: 'grabbed', p: message.p, ok }));
      return;
    }
    if (message.t === 'move') {
      if (holderOf.get(message.p) !== ws) return;
      for (const other of wss.clients) {
        if (other !== ws) {
          sent += data.toString().length;
          other.send(text);
        }
      }
    }
  });
  ws.on('close', () => {
    const p = holding.get(ws);
    if (p !== undefined) holderOf.delete(p);
    holding.delete(ws);
  });
});

/** The rule the bench checks: no piece has two holders and nobody holds two. */
const check = () => {
  const pieces = new Set(holding.values());
  if (pieces.size !== holding.size) conflicts += 1;
  return conflicts;
};

console.log(
  JSON.stringify({
    event: 'ready',
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
  }),
);
onCommands(command => {
  if (command.cmd === 'usage')
    return {
      event: 'usage',
      cpuMs: cpuMs(),
      bytesSent: sent,
      conflicts: check(),
      holders: holding.size,
    };
  if (command.cmd === 'exit') process.exit(0);
  return undefined;
});
