// npm run bench:world — RCAT's jigsaw experiment on this machine: N bots each
// grab a piece (the arbiter decides) and random-walk it at U updates/s for
// --warm-up seconds (every peer linked, its code compiled; nothing of it is
// counted), then for --seconds; receivers measure move latency (sender's stamp to arrival)
// p50/p99/max over the receivers interested in the move (in stoa-aura, those
// within the aura's radius of it; the others are told at 1/s by design).
// Modes, in one run:
//   central    an RCAT-like authoritative ws server that checks grabs and
//              broadcasts every move to every other client (the baseline);
//   stoa-aura  Stoa's puzzle unum, moves fanned peer to peer to the 16 nearest
//              within a quarter of the table (PUZZLE_AURA), the rest at 1/s;
//   stoa-all   the same without interest: every peer at every tick.
// Bots run --per-process to a process (each bot its own vat, identity and
// listener; the central clients share one process the same way). Printed per
// row: mean receivers per update (all, and those interested), updates stale at the end (a receiver's last
// update from a sender is not that sender's last), bytes per delivered update
// (Stoa: bytes the bots' sessions sent, TLS and framing excluded; central:
// bytes the server wrote to its sockets' WebSocket payloads), CPU per delivered
// update over every process (both per delivery, interested or not), pieces held twice (from the signed state a
// member checked, or the central server's table). Then, per mode and U, the
// capacity: the largest N whose p99 stays under 100 ms.
// Flags: --ns 16,32,64,100  --ups 2.5,10  --seconds 5  --warm-up 1  --per-process 13  --modes central,stoa-aura,stoa-all
import '../vat/lockdown.js';
import { E } from '@endo/far';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnVat, type VatProcess } from '../harness/spawn-vat.js';
import { startVat } from '../vat/index.js';
import { PUZZLE_AURA } from '../demo-community/puzzle/puzzle-rules.js';
import { quantile } from './quantile.js';

const { values } = parseArgs({
  options: {
    ns: { type: 'string', default: '16,32,64,100' },
    ups: { type: 'string', default: '2.5,10' },
    seconds: { type: 'string', default: '5' },
    'warm-up': { type: 'string', default: '1' },
    'per-process': { type: 'string', default: '13' },
    modes: { type: 'string', default: 'central,stoa-aura,stoa-all' },
  },
});
const NS = values.ns.split(',').map(Number);
const UPS = values.ups.split(',').map(Number);
const SECONDS = Number(values.seconds);
const WARM_UP = Number(values['warm-up']);
const PER_PROCESS = Number(values['per-process']);
const MODES = values.modes.split(',') as Mode[];
const LINGER_MS = 1_500;
/** After the moves, time for far peers to have had their turn (maxInAura of them a second) before "stale" is counted. */
const lingerFor = (mode: Mode, n: number) =>
  LINGER_MS + (mode === 'stoa-aura' ? Math.ceil(n / PUZZLE_AURA.maxInAura) * 1000 : 0);
type Mode = 'central' | 'stoa-aura' | 'stoa-all';

const BOTS = fileURLToPath(new URL('../demo-community/puzzle/puzzle-bots.ts', import.meta.url));
const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const gridFor = (n: number) => Math.max(4, Math.ceil(Math.sqrt(n * 1.5)));
const split = (n: number) =>
  Array.from({ length: Math.ceil(n / PER_PROCESS) }, (_, i) =>
    Math.min(PER_PROCESS, n - i * PER_PROCESS),
  );

interface Row {
  mode: Mode;
  ups: number;
  n: number;
  /** Latencies of the deliveries to interested receivers. */
  latencies: number[];
  /** Every delivered update, interested or not. */
  deliveries: number;
  sent: number;
  stale: number;
  bytes: number;
  cpuMs: number;
  doubleHeld: number;
  /** How long it took every bot to be granted a piece (before the measured moves). */
  grabMs: number;
}

/** A bench process speaking JSON lines on stdin/stdout (the central server and its clients). */
const lineProcess = (file: string, args: string[]) => {
  const child: ChildProcess = spawn(
    process.execPath,
    [...process.execArgv, script(file), ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const waiting: Array<(e: Record<string, unknown>) => void> = [];
  createInterface({ input: child.stdout! }).on('line', text => waiting.shift()?.(JSON.parse(text)));
  const ask = (command?: object) =>
    new Promise<Record<string, unknown>>(resolve => {
      waiting.push(resolve);
      if (command) child.stdin!.write(`${JSON.stringify(command)}\n`);
    });
  return { child, ask, ready: ask() };
};

/** Receiver-sender pairs whose last update is not the sender's last (or never came). */
const staleOf = (lastSeq: Record<string, number>, finals: Map<string, number>, n: number) => {
  let current = 0;
  for (const [pair, seq] of Object.entries(lastSeq)) {
    const sender = pair.split(' ')[1]!;
    if (seq === finals.get(sender)) current += 1;
  }
  return n * (n - 1) - current;
};

const runCentral = async (n: number, ups: number): Promise<Row> => {
  const pieces = gridFor(n) ** 2;
  const server = lineProcess('./world-central.ts', [String(pieces)]);
  const { url } = await server.ready;
  const groups = split(n).map((k, g) =>
    lineProcess('./world-central-clients.ts', [String(url), String(k), String(pieces), `g${g}`]),
  );
  try {
    await Promise.all(groups.map(g => g.ready));
    const grabStart = Date.now();
    await Promise.all(groups.map((g, i) => g.ask({ cmd: 'grab', seed: 7 + i })));
    const grabMs = Date.now() - grabStart;
    if (WARM_UP > 0)
      await Promise.all(
        groups.map((g, i) =>
          g.ask({ cmd: 'walk', ups, seconds: WARM_UP, seed: 5 + i, id: `g${i}`, warmUp: true }),
        ),
      );
    const before = await Promise.all([server, ...groups].map(p => p.ask({ cmd: 'usage' })));
    const walked = await Promise.all(
      groups.map((g, i) =>
        g.ask({ cmd: 'walk', ups, seconds: SECONDS, seed: 11 + i, id: `g${i}` }),
      ),
    );
    await new Promise(resolve => setTimeout(resolve, lingerFor('central', n)));
    const after = await Promise.all([server, ...groups].map(p => p.ask({ cmd: 'usage' })));
    const stats = await Promise.all(groups.map(g => g.ask({ cmd: 'stats' })));
    const finals = new Map(
      walked.flatMap((w, g) =>
        (w.sent as number[]).map((s, i) => [`g${g}-${i}`, s] as [string, number]),
      ),
    );
    return {
      mode: 'central',
      ups,
      n,
      latencies: stats.flatMap(s => s.latencies as number[]),
      deliveries: stats.reduce((sum, s) => sum + (s.deliveries as number), 0),
      sent: [...finals.values()].reduce((a, b) => a + b, 0),
      stale: staleOf(Object.assign({}, ...stats.map(s => s.lastSeq)), finals, n),
      bytes: (after[0]!.bytesSent as number) - (before[0]!.bytesSent as number),
      cpuMs: after.reduce(
        (sum, u, i) => sum + (u.cpuMs as number) - (before[i]!.cpuMs as number),
        0,
      ),
      doubleHeld: after[0]!.conflicts as number,
      grabMs,
    };
  } finally {
    for (const p of [server, ...groups]) p.child.kill('SIGKILL');
  }
};

interface Bots {
  host(
    name: string,
    cols: number,
    rows: number,
    seed: number,
    capacity?: number,
  ): Promise<{ invite: string }>;
  join(invite: string, prefix: string): Promise<string[]>;
  grabAll(seed: number): Promise<void>;
  walk(opts: { ups: number; seconds: number; seed: number; warmUp?: boolean }): Promise<number[]>;
  usage(driver: string): Promise<{ cpuMs: number; bytesSent: number }>;
  stats(): Promise<{
    latencies: number[];
    deliveries: number;
    lastSeq: Record<string, number>;
    holders: string[];
  }>;
}

const runStoa = async (mode: Mode, n: number, ups: number): Promise<Row> => {
  const root = mkdtempSync(join(tmpdir(), `stoa-world-${n}-`));
  const driver = await startVat({ dataDir: join(root, 'driver') });
  const spawned: VatProcess[] = [];
  try {
    const interest = mode === 'stoa-aura' ? 'on' : 'off';
    const start = (dir: string, k: number) =>
      spawnVat({
        program: BOTS,
        dataDir: join(root, dir),
        args: ['--bots', String(k), '--interest', interest],
      });
    spawned.push(await start('host', 1));
    spawned.push(...(await Promise.all(split(n).map((k, i) => start(`bots-${i}`, k)))));
    const [host, ...groups] = await Promise.all(
      spawned.map(p => driver.fetch<Bots>(p.ready.control as string)),
    );
    const grid = gridFor(n);
    const { invite } = await E(host!).host('bench', grid, grid, 3, n);
    const ids = await Promise.all(groups.map((g, i) => E(g).join(invite, `g${i}-`)));
    const all = [host!, ...groups];
    const grabStart = Date.now();
    await Promise.all(groups.map((g, i) => E(g).grabAll(i)));
    const grabMs = Date.now() - grabStart;
    if (WARM_UP > 0)
      await Promise.all(
        groups.map((g, i) => E(g).walk({ ups, seconds: WARM_UP, seed: 5 + i, warmUp: true })),
      );
    const before = await Promise.all(all.map(b => E(b).usage(driver.id)));
    const walked = await Promise.all(
      groups.map((g, i) => E(g).walk({ ups, seconds: SECONDS, seed: 11 + i })),
    );
    await new Promise(resolve => setTimeout(resolve, lingerFor(mode, n)));
    const after = await Promise.all(all.map(b => E(b).usage(driver.id)));
    const stats = await Promise.all(groups.map(g => E(g).stats()));
    const finals = new Map(
      ids.flatMap((vatIds, g) => vatIds.map((id, i) => [id, walked[g]![i]!] as [string, number])),
    );
    const holders = stats[0]!.holders;
    return {
      mode,
      ups,
      n,
      latencies: stats.flatMap(s => s.latencies),
      deliveries: stats.reduce((sum, s) => sum + s.deliveries, 0),
      sent: [...finals.values()].reduce((a, b) => a + b, 0),
      stale: staleOf(Object.assign({}, ...stats.map(s => s.lastSeq)), finals, n),
      bytes: after.reduce((sum, u, i) => sum + u.bytesSent - before[i]!.bytesSent, 0),
      cpuMs: after.reduce((sum, u, i) => sum + u.cpuMs - before[i]!.cpuMs, 0),
      doubleHeld: holders.length - new Set(holders).size,
      grabMs,
    };
  } finally {
    await Promise.all(spawned.map(p => p.kill()));
    await driver.close();
    rmSync(root, { recursive: true, force: true });
  }
};

const print = (row: Row) => {
  const sorted = [...row.latencies].sort((a, b) => a - b);
  const delivered = Math.max(1, row.deliveries);
  console.log(
    [
      row.mode.padEnd(10),
      String(row.ups).padStart(5),
      String(row.n).padStart(5),
      quantile(sorted, 0.5).toFixed(1).padStart(8),
      quantile(sorted, 0.99).toFixed(1).padStart(8),
      (sorted.at(-1) ?? Number.NaN).toFixed(1).padStart(8),
      (row.deliveries / Math.max(1, row.sent)).toFixed(1).padStart(9),
      (sorted.length / Math.max(1, row.sent)).toFixed(1).padStart(9),
      String(row.stale).padStart(6),
      (row.bytes / delivered).toFixed(0).padStart(9),
      ((row.cpuMs * 1000) / delivered).toFixed(0).padStart(9),
      String(row.doubleHeld).padStart(7),
      (row.grabMs / 1000).toFixed(1).padStart(8),
    ].join(''),
  );
};

console.log(
  `bench:world  ${new Date().toISOString()}  node ${process.version}  ${SECONDS} s of moves per row after ${WARM_UP} s of warm-up, ${PER_PROCESS} bots per process; aura radius ${PUZZLE_AURA.radius} (+ margin ${PUZZLE_AURA.margin}) of a 1000-unit table, maxInAura ${PUZZLE_AURA.maxInAura}, far peers at most 1/s each and ${PUZZLE_AURA.maxInAura}/s in all; bots random-walk the whole table`,
);
console.log(
  'mode         U    N  p50 ms  p99 ms  max ms  rcv/upd  in aura  stale  B/deliv  CPU us  2-held  grab s',
);
const rows: Row[] = [];
for (const ups of UPS) {
  for (const n of NS) {
    for (const mode of MODES) {
      const row = mode === 'central' ? await runCentral(n, ups) : await runStoa(mode, n, ups);
      rows.push(row);
      print(row);
    }
  }
}
for (const ups of UPS) {
  for (const mode of MODES) {
    const held = rows.filter(
      r =>
        r.mode === mode &&
        r.ups === ups &&
        quantile(
          [...r.latencies].sort((a, b) => a - b),
          0.99,
        ) < 100,
    );
    console.log(
      `capacity ${mode} at ${ups} updates/s: largest N with p99 < 100 ms: ${held.length ? Math.max(...held.map(r => r.n)) : 'none'} (of ${NS.join(', ')})`,
    );
  }
}
process.exit(0);
