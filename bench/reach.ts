// npm run bench:reach — a room's chat between two members over the paths
// docs/protocol.md §2.8 gives them, in network namespaces made for the run
// (harness/netns.ts; needs root): both members on the public side (direct,
// the baseline), and one member at each of two homes behind NAT with a relay
// on the public side: plain masquerade (the relay introduces them and they
// punch a direct connection) and fully-random (the relay carries the
// session); the last row adds 80 ms each way between the homes and the relay
// (a user-space delay proxy: this kernel has no netem). The path column is
// how the session between the two was opened (vat.stats().peers[].path). Alice says
// `--lines` lines, one per `--interval-ms`; per row it prints Bob's delivery
// latency p50/p99/max (his receipt time minus the line's own time; one
// machine, one clock), lost lines, bytes the relay forwarded per line, and
// the relay process's CPU per forwarded line, with p50 as a ratio to the
// direct row's. Each vat is its own process.
// Flags: --lines 200  --interval-ms 50
import '../vat/lockdown.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { askVat } from '../demo-community/daemon/console-client.js';
import { spawnVat, type VatProcess } from '../harness/spawn-vat.js';
import { makeNet, namespacesUnavailable, wireProxy, type NatKind } from '../harness/netns.js';
import { quantile } from './quantile.js';

const { values } = parseArgs({
  options: { lines: { type: 'string' }, 'interval-ms': { type: 'string' } },
});
const LINES = Number(values.lines ?? 200);
const INTERVAL = Number(values['interval-ms'] ?? 50);
const fixture = (name: string) =>
  fileURLToPath(new URL(`../test/fixtures/${name}.ts`, import.meta.url));

interface Scenario {
  name: string;
  /** Members at the homes behind NAT (else on the public side), and the NAT. */
  homes?: NatKind;
  delayMs?: number;
}
const SCENARIOS: Scenario[] = [
  { name: 'both public' },
  { name: 'homes, masquerade', homes: 'masquerade' },
  { name: 'homes, fully-random', homes: 'fully-random' },
  { name: 'homes, fully-random +80ms', homes: 'fully-random', delayMs: 80 },
];

/** CPU time of all a process's threads so far, in µs (Linux /proc/PID/task/TID/schedstat, in ns). */
const cpuUs = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).reduce(
    (sum, tid) =>
      sum + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1000,
    0,
  );

const runScenario = async (scenario: Scenario) => {
  const teardowns: Array<() => unknown> = [];
  const dir = mkdtempSync(join(tmpdir(), 'stoa-reach-'));
  teardowns.push(() => rmSync(dir, { recursive: true, force: true }));
  const procs: VatProcess[] = [];
  const spawnIn = async (netns: string, program: string, listen: string, args: string[] = []) => {
    const vat = await spawnVat({
      program: fixture(program),
      dataDir: mkdtempSync(join(dir, `${program}-`)),
      netns,
      listen,
      args,
    });
    procs.push(vat);
    return vat;
  };
  try {
    const net = makeNet({ teardown: fn => teardowns.push(fn) }, scenario.homes ?? 'masquerade');
    const pub = `${net.publicAddress}:0`;
    const relay = await spawnIn(net.pub, 'fixture-vat', pub, ['--relay']);
    const via = scenario.delayMs
      ? (
          await wireProxy({ teardown: fn => teardowns.push(fn) }, net.pub, {
            listen: pub,
            to: relay.address,
            delayMs: scenario.delayMs,
          })
        ).address
      : relay.address;
    const [host, bridge] = await Promise.all([
      spawnIn(net.pub, 'room-vat', pub),
      spawnIn(net.pub, 'bridge-vat', pub),
    ]);
    const member = (netns: string, address: string) =>
      spawnIn(netns, 'room-vat', `${address}:0`, ['--via-relay', via]);
    const [alice, bob] = scenario.homes
      ? await Promise.all([
          member(net.homeA, net.homeAddress.a),
          member(net.homeB, net.homeAddress.b),
        ])
      : await Promise.all([member(net.pub, net.publicAddress), member(net.pub, net.publicAddress)]);
    const call = (vat: VatProcess, method: string, ...args: unknown[]) =>
      askVat(bridge.dataDir, 'call', { ref: String(vat.ready.control), method, args }) as Promise<
        Record<string, unknown>
      >;
    const { invite } = await call(host, 'createRoom', 'bench');
    await call(alice, 'join', invite, 'alice');
    await call(bob, 'join', invite, 'bob');
    await call(alice, 'say', 'warm-up');
    await call(bob, 'waitFor', 'message', { text: 'warm-up' });

    const relayStats = async () =>
      (await call(relay, 'stats')).relay as { bytesForwarded: number; circuitsOpened: number };
    const bytesBefore = (await relayStats()).bytesForwarded;
    const cpuBefore = cpuUs(relay.child.pid!);
    await call(alice, 'sayTimed', 'line', LINES, INTERVAL);
    await call(bob, 'waitFor', 'message', { text: `line ${LINES - 1}` }, 60_000).catch(() => {});
    const cpuAfter = cpuUs(relay.child.pid!);
    const { bytesForwarded, circuitsOpened } = await relayStats();
    const got = (
      (await call(bob, 'events', 'message')) as unknown as {
        text: string;
        ts: number;
        receivedAt: number;
      }[]
    ).filter(m => m.text.startsWith('line '));
    const latencies = got.map(m => m.receivedAt - m.ts);
    const pathTo = async (from: VatProcess, to: VatProcess) =>
      (
        (await call(from, 'vatStats')) as unknown as { peers: { peer: string; path: string }[] }
      ).peers.find(p => p.peer === to.vatId)?.path;
    const path = [await pathTo(alice, bob), await pathTo(bob, alice)].find(p => p !== 'inbound');
    return {
      name: scenario.name,
      path: path ?? '?',
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: Math.max(...latencies),
      lost: LINES - new Set(got.map(m => m.text)).size,
      relayBytesPerLine: (bytesForwarded - bytesBefore) / LINES,
      relayCpuUsPerLine: (cpuAfter - cpuBefore) / LINES,
      circuitsOpened,
    };
  } finally {
    await Promise.all(procs.map(p => p.kill()));
    for (const down of teardowns.reverse()) await down();
  }
};

const unavailable = namespacesUnavailable();
if (unavailable) {
  console.error(`bench:reach needs network namespaces: ${unavailable}`);
  process.exit(1);
}
console.log(
  `bench:reach: ${LINES} lines, one per ${INTERVAL} ms, alice to bob in a room; every vat its own process`,
);
const rows = [];
for (const scenario of SCENARIOS) rows.push(await runScenario(scenario));
const base = rows[0]!.p50;
const ms = (x: number) => x.toFixed(1).padStart(7);
console.log(
  `\n${'members'.padEnd(27)}${'path'.padEnd(9)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'max ms'.padStart(8)}${'lost'.padStart(6)}${'relay B/line'.padStart(14)}${'relay CPU µs/line'.padStart(19)}${'p50 vs direct'.padStart(15)}`,
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(27)}${r.path.padEnd(9)}${ms(r.p50)} ${ms(r.p99)} ${ms(r.max)}${String(r.lost).padStart(6)}${r.relayBytesPerLine.toFixed(0).padStart(14)}${r.relayCpuUsPerLine.toFixed(0).padStart(19)}${`${(r.p50 / base).toFixed(2)}×`.padStart(15)}`,
  );
}
console.log(
  '\nrelay CPU is the relay process, all threads (/proc schedstat), over the measured lines; its bytes are both directions of every circuit it carried (the members’ circuit, and the bench bridge’s calls to each home).',
);
