// npm run bench:rtt — round trips on 127.0.0.1 between two processes:
//   raw:  a locked-down wss echo (bench/raw-echo-server.ts), same mutual TLS
//   stoa: E(echo).echo(record) to a `stoa vat start --echo` vat
//   loopback: the same call through @endo/captp's in-process loopback (no
//     sockets, no TLS, no frame checks): the floor CapTP, marshal and harden
//     set for any transport
// for a ~100-byte record, with 1 and with 100 calls in flight. Prints p50/p99
// latency, calls/s, and ratios to raw measured in the same run.
// Flags: --calls N (per scenario, default 20000), --seconds S (cap per scenario, default 15).
import '../vat/lockdown.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeLoopback } from '@endo/captp';
import { E } from '@endo/far';
import { WebSocket } from 'ws';
import { tlsOptions } from '../captp-transport/credentials.js';
import { spawnStoaVat } from '../demo-community/cli/stoa-process.js';
import { loadOrCreateIdentity, makeEcho, startVat, type Echo } from '../vat/index.js';
import { quantile } from './quantile.js';

const { values } = parseArgs({
  options: { calls: { type: 'string' }, seconds: { type: 'string' } },
});
const CALLS = Number(values.calls ?? 20_000);
const SECONDS = Number(values.seconds ?? 15);
const RECORD = harden({
  room: 'lobby',
  author: 'alice',
  seq: 42,
  text: 'hello, this is about a hundred bytes!',
});

interface Result {
  name: string;
  inFlight: number;
  calls: number;
  p50: number;
  p99: number;
  perSecond: number;
}

/** Runs `call` `CALLS` times (or until SECONDS pass) keeping `inFlight` outstanding. */
const measure = async (
  name: string,
  inFlight: number,
  call: () => Promise<unknown>,
): Promise<Result> => {
  for (let i = 0; i < 500; i += 1) await call(); // warm-up
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  let started = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < CALLS && performance.now() < deadline) {
      started += 1;
      const t = performance.now();
      await call();
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    inFlight,
    calls: latencies.length,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    perSecond: latencies.length / elapsed,
  };
};

const root = mkdtempSync(join(tmpdir(), 'stoa-bench-rtt-'));
const rawServer = spawn(
  process.execPath,
  [
    ...process.execArgv,
    fileURLToPath(new URL('./raw-echo-server.ts', import.meta.url)),
    join(root, 'raw'),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const rawPort = await new Promise<number>(resolve =>
  createInterface({ input: rawServer.stdout! }).on('line', line => resolve(JSON.parse(line).port)),
);
const bob = await spawnStoaVat({ dataDir: join(root, 'bob'), echo: true });
const alice = await startVat({ dataDir: join(root, 'alice') });

try {
  // Raw: one socket, replies come back in order, so a FIFO of resolvers matches them.
  const { credentials } = loadOrCreateIdentity(join(root, 'raw-client'));
  const ws = new WebSocket(`wss://127.0.0.1:${rawPort}/`, tlsOptions(credentials));
  await once(ws, 'open');
  const waiting: Array<() => void> = [];
  let head = 0;
  ws.on('message', () => waiting[head++]!());
  const rawCall = () =>
    new Promise<void>(resolve => {
      waiting.push(resolve);
      ws.send(JSON.stringify(RECORD));
    });
  const echo = await alice.fetch<Echo>(bob.echo!);
  const stoaCall = () => E(echo).echo(RECORD);
  const loopback = makeLoopback('bench');
  const looped = (await loopback.makeFar(makeEcho())) as Echo;
  const loopbackCall = () => E(looped).echo(RECORD);

  const results: Result[] = [];
  for (const inFlight of [1, 100]) {
    results.push(await measure('raw wss echo', inFlight, rawCall));
    waiting.length = 0;
    head = 0;
    results.push(await measure('stoa E(echo).echo', inFlight, stoaCall));
    results.push(await measure('captp loopback (1 proc)', inFlight, loopbackCall));
  }
  ws.close();

  const frameBytes = alice.stats().peers[0]!;
  console.log(
    `\nbench:rtt  ${new Date().toISOString()}  node ${process.version}  record ${JSON.stringify(RECORD).length} B  up to ${CALLS} calls or ${SECONDS} s per row`,
  );
  console.log(
    'scenario                in flight   calls    p50 ms   p99 ms     calls/s   p50 vs raw   calls/s vs raw',
  );
  for (const r of results) {
    const raw = results.find(x => x.name === 'raw wss echo' && x.inFlight === r.inFlight)!;
    console.log(
      `${r.name.padEnd(24)}${String(r.inFlight).padStart(9)}${String(r.calls).padStart(8)}${r.p50.toFixed(3).padStart(10)}${r.p99.toFixed(3).padStart(9)}${r.perSecond.toFixed(0).padStart(12)}${`${(r.p50 / raw.p50).toFixed(2)}x`.padStart(13)}${`${(r.perSecond / raw.perSecond).toFixed(2)}x`.padStart(17)}`,
    );
  }
  console.log(
    `stoa session totals: ${frameBytes.framesSent} frames / ${frameBytes.bytesSent} B sent, ${frameBytes.framesReceived} frames / ${frameBytes.bytesReceived} B received`,
  );
} finally {
  await alice.close();
  await bob.stop();
  rawServer.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
