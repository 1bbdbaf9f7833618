// npm run bench:fanout — chat fan-out with N participants, one process each,
// on 127.0.0.1: Stoa rooms (signed envelopes fanned peer to peer; the host
// carries only the roster) against a plain central ws relay that broadcasts
// unsigned lines. Each participant sends `--lines` lines, one per
// `--interval-ms`, phases spread evenly, after `--warm-up` lines each (1) that
// every participant hears (so all links are dialed before the measured span,
// and with more, its code is compiled; its CPU is printed apart, per
// participant). Per N it prints delivery p50/p99/max,
// lost and duplicate deliveries, bytes the host or relay sent, bytes per
// participant, and CPU per delivered message; then capacity: the largest N at
// 1 line/s whose Stoa p99 stays under 100 ms (N grows past the list while it does,
// up to --max-n).
// Bytes are counted twice: as UTF-8 CapTP JSON (the session's own count, the
// figure earlier versions printed) and as bytes written to the TCP sockets
// (TLS and WebSocket framing included), per delivered message, for every
// process of the run. At --profile-n (16), participant 0 runs under
// --cpu-prof and the CPU of its measured span is broken down by where it
// went (bench/cpu-breakdown.ts), per message it received. A Stoa row ends
// with how many delivery forms receivers could not resolve from what they
// held and asked their sender for whole (docs/protocol.md §5.14).
// Flags: --ns 4,8,16,32  --lines 10  --interval-ms 1000  --max-n 48  --profile-n 16  --warm-up 1
//        --keep-profiles DIR (keeps the .cpuprofile files, DIR/relay and DIR/stoa)
import '../vat/lockdown.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CATEGORY_NAMES, cpuBreakdown } from './cpu-breakdown.js';
import { now } from './fanout-common.js';
import { tcpBytesSent } from './tcp-bytes.js';
import { quantile } from './quantile.js';

const { values } = parseArgs({
  options: {
    ns: { type: 'string' },
    lines: { type: 'string' },
    'interval-ms': { type: 'string' },
    'max-n': { type: 'string' },
    'profile-n': { type: 'string' },
    'keep-profiles': { type: 'string' },
    'warm-up': { type: 'string' },
  },
});
const PROFILE_N = Number(values['profile-n'] ?? 16);
/** A folder to keep participant 0's .cpuprofile files in (open them in Chrome DevTools). */
const KEEP_PROFILES = values['keep-profiles'];
const NS = (values.ns ?? '4,8,16,32').split(',').map(Number);
const LINES = Number(values.lines ?? 10);
const INTERVAL = Number(values['interval-ms'] ?? 1000);
const MAX_N = Number(values['max-n'] ?? 48);
const LINGER_MS = 2_000;
/** Lines each participant sends before the measured span (at least one: every link is up by then). */
const WARM_UP = Math.max(1, Number(values['warm-up'] ?? 1));

interface Proc {
  child: ChildProcess;
  send(command: object): void;
  next(event: string): Promise<Record<string, unknown>>;
}

const start = (script: string, args: string[], nodeArgs: string[] = []): Proc => {
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...nodeArgs, fileURLToPath(new URL(script, import.meta.url)), ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const waiting: Array<{ event: string; resolve: (e: Record<string, unknown>) => void }> = [];
  const backlog: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', text => {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(text);
    } catch {
      return;
    }
    const i = waiting.findIndex(w => w.event === event.event);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(event);
    else backlog.push(event);
  });
  return {
    child,
    send: command => child.stdin!.write(`${JSON.stringify(command)}\n`),
    next: event =>
      new Promise(resolve => {
        const i = backlog.findIndex(e => e.event === event);
        if (i >= 0) resolve(backlog.splice(i, 1)[0]!);
        else waiting.push({ event, resolve });
      }),
  };
};

interface Row {
  mode: 'relay' | 'stoa';
  n: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicates: number;
  hubBytes: number;
  bytesPerPeer: number;
  cpuUsPerDelivery: number;
  /** Bytes all processes wrote to TCP per delivered message; NaN without `ss`. */
  tcpPerDelivery: number;
  /** Stoa: delivery forms a receiver could not resolve and asked their sender for whole (docs/protocol.md §5.14). */
  askedWhole: number;
  /** CPU each participant spent, on average, on the warm-up (its links' set-up and the warm-up lines). */
  warmUpMs: number;
  /** Participant 0's CPU per message it received, by category (µs), when profiled. */
  breakdown?: Map<string, number>;
}

/** One run of `n` participants; with `profiled`, participant 0 runs under --cpu-prof (its figures then only feed the breakdown). */
const run = async (mode: 'relay' | 'stoa', n: number, profiled = false): Promise<Row> => {
  const root = mkdtempSync(join(tmpdir(), `stoa-fanout-${mode}-${n}-`));
  const hub = start('./fanout-hub.ts', mode === 'stoa' ? ['stoa', join(root, 'host')] : ['relay']);
  const ready = await hub.next('ready');
  const profileDir = join(root, 'profile');
  const peers = Array.from({ length: n }, (_, i) =>
    start(
      './fanout-peer.ts',
      mode === 'stoa'
        ? ['stoa', join(root, `p${i}`), String(i)]
        : ['relay', String(ready.url), String(i)],
      profiled && i === 0 ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    ),
  );
  const pids = [hub, ...peers].map(p => p.child.pid!);
  let tcpAtStart: Map<number, number> | undefined;
  let tcpAtEnd: Map<number, number> | undefined;
  let firstReport: Record<string, unknown> | undefined;
  try {
    await Promise.all(peers.map(p => p.next('ready')));
    if (mode === 'stoa') {
      for (const peer of peers) {
        peer.send({ cmd: 'join', invite: ready.invite });
        await peer.next('joined');
      }
    }
    // Warm-up: lines each, heard by everyone, so every link is up before the measured span.
    const warmAt = now() + 500;
    for (const [i, peer] of peers.entries())
      peer.send({
        cmd: 'warm',
        lines: WARM_UP,
        others: n - 1,
        intervalMs: INTERVAL,
        startAt: warmAt,
        phase: (i * INTERVAL) / n,
      });
    const warm = await Promise.all(peers.map(p => p.next('warm')));
    const warmUpMs = warm.reduce((sum, w) => sum + (w.cpuMs as number), 0) / n;
    const startAt = now() + 1_000;
    tcpAtStart = tcpBytesSent(pids);
    hub.send({ cmd: 'start' });
    for (const [i, peer] of peers.entries()) {
      peer.send({
        cmd: 'start',
        count: LINES,
        intervalMs: INTERVAL,
        startAt,
        phase: (i * INTERVAL) / n,
      });
    }
    await Promise.all(peers.map(p => p.next('sent')));
    await new Promise(resolve => setTimeout(resolve, LINGER_MS));
    hub.send({ cmd: 'report' });
    for (const p of peers) p.send({ cmd: 'report' });
    const [hubReport, ...reports] = await Promise.all([
      hub.next('report'),
      ...peers.map(p => p.next('report')),
    ]);
    tcpAtEnd = tcpBytesSent(pids);
    firstReport = reports[0];
    const tcp =
      tcpAtStart && tcpAtEnd
        ? pids.reduce((sum, pid) => sum + tcpAtEnd!.get(pid)! - tcpAtStart!.get(pid)!, 0)
        : NaN;
    const latencies = reports.flatMap(r => r.latencies as number[]).sort((a, b) => a - b);
    const received = reports.reduce((sum, r) => sum + (r.received as number), 0);
    const cpuMs =
      reports.reduce((sum, r) => sum + (r.cpuMs as number), 0) + (hubReport!.cpuMs as number);
    return {
      mode,
      n,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? NaN,
      lost: n * (n - 1) * LINES - received,
      duplicates: reports.reduce((sum, r) => sum + (r.duplicates as number), 0),
      hubBytes: hubReport!.bytesSent as number,
      bytesPerPeer: reports.reduce((sum, r) => sum + (r.bytesSent as number), 0) / n,
      cpuUsPerDelivery: (cpuMs * 1000) / Math.max(1, received),
      tcpPerDelivery: tcp / Math.max(1, received),
      askedWhole: reports.reduce((sum, r) => sum + Number(r.askedWhole ?? 0), 0),
      warmUpMs,
    };
  } finally {
    const all = [hub, ...peers];
    for (const p of all) p.send({ cmd: 'exit' });
    await Promise.race([
      Promise.all(all.map(p => new Promise(resolve => p.child.once('exit', resolve)))),
      new Promise(resolve => setTimeout(resolve, 10_000)),
    ]);
    for (const p of all) p.child.kill('SIGKILL');
    if (profiled && firstReport) breakdowns.set(mode, profileOf(profileDir, firstReport));
    if (profiled && KEEP_PROFILES && existsSync(profileDir))
      cpSync(profileDir, join(KEEP_PROFILES, mode), { recursive: true });
    rmSync(root, { recursive: true, force: true });
  }
};

const breakdowns = new Map<'relay' | 'stoa', Map<string, number>>();
/** Participant 0's profile over its measured span, in µs per message it received. */
const profileOf = (dir: string, report: Record<string, unknown>): Map<string, number> => {
  const [file] = existsSync(dir) ? readdirSync(dir) : [];
  if (!file) return new Map();
  const [from, to] = report.span as [number, number];
  const perMessage = new Map<string, number>();
  for (const [category, ms] of cpuBreakdown(join(dir, file), from, to))
    perMessage.set(category, (ms * 1000) / Math.max(1, report.received as number));
  return perMessage;
};

const rows: Row[] = [];
const print = (row: Row) => {
  const relay = rows.find(r => r.mode === 'relay' && r.n === row.n);
  const ratio =
    (relay && row.mode === 'stoa'
      ? `  relay bytes = ${(relay.hubBytes / row.bytesPerPeer).toFixed(1)}x one Stoa peer's`
      : '') +
    (row.mode === 'stoa' ? `; ${row.askedWhole} asked whole` : '') +
    `; warm-up ${row.warmUpMs.toFixed(0)} ms CPU each`;
  console.log(
    `${row.mode.padEnd(6)}${String(row.n).padStart(4)}${row.p50.toFixed(1).padStart(9)}${row.p99.toFixed(1).padStart(9)}${row.max.toFixed(1).padStart(9)}` +
      `${String(row.lost).padStart(7)}${String(row.duplicates).padStart(6)}${String(row.hubBytes).padStart(12)}${row.bytesPerPeer.toFixed(0).padStart(12)}${row.cpuUsPerDelivery.toFixed(0).padStart(10)}${row.tcpPerDelivery.toFixed(0).padStart(11)}${ratio}`,
  );
};

console.log(
  `bench:fanout  ${new Date().toISOString()}  node ${process.version}  one process per participant  ${LINES} lines each, one per ${INTERVAL} ms, after ${WARM_UP} warm-up line${WARM_UP === 1 ? '' : 's'} each`,
);
console.log(
  'mode     N  p50 ms   p99 ms   max ms   lost  dups  hub B sent  B/particip  CPU us/msg  TCP B/msg',
);
for (const n of NS) {
  for (const mode of ['relay', 'stoa'] as const) {
    const row = await run(mode, n);
    rows.push(row);
    print(row);
  }
}
// Capacity at 1 line/s: grow N past the list while Stoa's p99 stays under 100 ms,
// or narrow down (in steps of 4) between the last N that held and the first that did not.
const holds = (row: Row) => row.p99 < 100;
const stoaRows = () => rows.filter(r => r.mode === 'stoa');
let capacity = Math.max(
  0,
  ...stoaRows()
    .filter(holds)
    .map(r => r.n),
);
const firstFail = () =>
  Math.min(
    Infinity,
    ...stoaRows()
      .filter(r => !holds(r) && r.n > capacity)
      .map(r => r.n),
  );
if (INTERVAL === 1000) {
  while (firstFail() === Infinity && capacity + 8 <= MAX_N) {
    const row = await run('stoa', capacity + 8);
    rows.push(row);
    print(row);
    if (holds(row)) capacity = row.n;
  }
  while (firstFail() !== Infinity && firstFail() - capacity > 4) {
    const row = await run(
      'stoa',
      capacity + Math.floor((firstFail() - capacity) / 8) * 4 || capacity + 4,
    );
    rows.push(row);
    print(row);
    if (holds(row)) capacity = row.n;
  }
}
const bound = firstFail();
console.log(
  `capacity: largest N (1 line/s each) with Stoa delivery p99 < 100 ms: ${capacity}` +
    (bound === Infinity ? ` (stopped at --max-n ${MAX_N})` : ` (N=${bound} did not hold)`),
);
const at = (mode: 'relay' | 'stoa') => rows.find(r => r.mode === mode && r.n === PROFILE_N);
const [relayAt, stoaAt] = [at('relay'), at('stoa')];
if (relayAt && stoaAt) {
  console.log(
    `at N=${PROFILE_N}: Stoa CPU per message = ${(stoaAt.cpuUsPerDelivery / relayAt.cpuUsPerDelivery).toFixed(1)}x the relay's; TCP bytes per message = ${(stoaAt.tcpPerDelivery / relayAt.tcpPerDelivery).toFixed(1)}x`,
  );
}
// Profiling slows participant 0, so the breakdown comes from runs of its own.
if (NS.includes(PROFILE_N))
  for (const mode of ['relay', 'stoa'] as const) await run(mode, PROFILE_N, true);
if (breakdowns.size > 0) {
  console.log(
    `\nwhere participant 0's CPU went at N=${PROFILE_N} (--cpu-prof, measured span), us per message it received:`,
  );
  console.log(`${'category'.padEnd(28)}${'relay'.padStart(9)}${'stoa'.padStart(9)}   stoa share`);
  const total = (mode: 'relay' | 'stoa') =>
    [...(breakdowns.get(mode)?.values() ?? [])].reduce((a, b) => a + b, 0);
  for (const name of CATEGORY_NAMES) {
    const cell = (mode: 'relay' | 'stoa') =>
      (breakdowns.get(mode)?.get(name) ?? 0).toFixed(0).padStart(9);
    const share = ((breakdowns.get('stoa')?.get(name) ?? 0) / Math.max(1e-9, total('stoa'))) * 100;
    console.log(
      `${name.padEnd(28)}${cell('relay')}${cell('stoa')}${share.toFixed(1).padStart(12)} %`,
    );
  }
  console.log(
    `${'total'.padEnd(28)}${total('relay').toFixed(0).padStart(9)}${total('stoa').toFixed(0).padStart(9)}`,
  );
}
