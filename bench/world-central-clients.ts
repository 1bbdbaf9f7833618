// bench:world baseline clients: K players in one process, each a ws client of
// the central server (world-central.ts). On `walk`, each grabs a free piece
// (the server decides) and random-walks it at U moves/s; every move carries
// its send time, and receivers record the latency (not of a warm-up's moves,
// numbered below 0).
// argv: URL K PIECES GROUP
import { WebSocket } from 'ws';
import { seeded } from '../demo-community/puzzle/table.js';
import { cpuMs, now, onCommands } from './fanout-common.js';

const [url, k, pieces, group] = [
  process.argv[2]!,
  Number(process.argv[3]),
  Number(process.argv[4]),
  process.argv[5]!,
];
const latencies: number[] = [];
const lastSeq = new Map<string, number>();

interface Client {
  ws: WebSocket;
  grabbed: (ok: boolean) => void;
}
const clients: Client[] = await Promise.all(
  Array.from({ length: k }, async (_, i) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client: Client = { ws, grabbed: () => {} };
    ws.on('message', data => {
      const m = JSON.parse(String(data)) as {
        t: string;
        ok?: boolean;
        i?: string;
        s?: number;
        at?: number;
      };
      if (m.t === 'grabbed') client.grabbed(m.ok === true);
      else if (m.t === 'move' && m.s! > 0) {
        latencies.push(now() - m.at!);
        lastSeq.set(`${group}-${i} ${m.i}`, m.s!);
      }
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }),
);

const grab = (client: Client, p: number) =>
  new Promise<boolean>(resolve => {
    client.grabbed = resolve;
    client.ws.send(JSON.stringify({ t: 'grab', p }));
  });

/** The piece each client was granted. */
const held: number[] = [];
const grabAll = (seed: number) => {
  const random = seeded(seed);
  return Promise.all(
    clients.map(async (client, i) => {
      const start = Math.floor(random() * pieces);
      for (let j = 0; j < pieces; j += 1) {
        if (await grab(client, (start + j) % pieces)) {
          held[i] = (start + j) % pieces;
          return;
        }
      }
    }),
  );
};

/** Where each client's walk left it. */
const where: Array<[number, number]> = [];
const walk = async ({
  ups,
  seconds,
  seed,
  id,
  warmUp = false,
}: {
  ups: number;
  seconds: number;
  seed: number;
  id: string;
  /** Moves numbered -1, -2, …: receivers count nothing of them. */
  warmUp?: boolean;
}) => {
  const random = seeded(seed);
  const deadline = Date.now() + seconds * 1000;
  return Promise.all(
    clients.map(async (client, i) => {
      // From where the last walk left it, as the Stoa bots do.
      where[i] ??= [random() * 900, random() * 900];
      let [x, y, s] = [...where[i]!, 0];
      while (Date.now() < deadline) {
        x = Math.min(Math.max(x + (random() - 0.5) * 60, 0), 900);
        y = Math.min(Math.max(y + (random() - 0.5) * 60, 0), 900);
        s += 1;
        const move = {
          t: 'move',
          p: held[i],
          x: Math.round(x),
          y: Math.round(y),
          i: `${id}-${i}`,
          s: warmUp ? -s : s,
          at: now(),
        };
        where[i] = [x, y];
        client.ws.send(JSON.stringify(move));
        await new Promise(resolve => setTimeout(resolve, 1000 / ups));
      }
      return s;
    }),
  );
};

console.log(JSON.stringify({ event: 'ready' }));
onCommands(async command => {
  if (command.cmd === 'grab') {
    await grabAll(command.seed as number);
    return { event: 'grabbed' };
  }
  if (command.cmd === 'walk') return { event: 'walked', sent: await walk(command as never) };
  if (command.cmd === 'usage') return { event: 'usage', cpuMs: cpuMs() };
  if (command.cmd === 'stats')
    return {
      event: 'stats',
      deliveries: latencies.length,
      latencies: latencies.splice(0),
      lastSeq: Object.fromEntries(lastSeq),
    };
  if (command.cmd === 'exit') process.exit(0);
  return undefined;
});
