// npm run bench:flood — known peers keep service while strangers flood. A
// room host and --members member vats, each in its own process on 127.0.0.1,
// chat (one line every --interval-ms, members in turn) for --baseline-s; then
// --flooders processes (bench/flood-stranger.ts) open empty authenticated
// sessions from fresh identities at --sessions-per-s each and keep --joiners
// stalled join calls pending each, for --flood-s, while the members go on
// chatting. --newcomer-after-s into the flood a new member joins. Prints
// delivery p50/p99/max per phase with the flood/baseline ratio, lost and
// duplicated lines, the newcomer's join time, and what became of the flood.
// Targets (issue 10): members' p99 under 1 s during the flood, the newcomer in
// within 10 s. Exits 1 when a line is lost or a target is missed.
import '../vat/lockdown.js';
import '@endo/eventual-send/shim.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { E, type ERef } from '@endo/far';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnVat, type VatProcess } from '../harness/spawn-vat.js';
import type { Control } from '../test/helpers.js';
import { startVat } from '../vat/index.js';
import { quantile } from './quantile.js';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '8' },
    'interval-ms': { type: 'string', default: '100' },
    'baseline-s': { type: 'string', default: '20' },
    'flood-s': { type: 'string', default: '40' },
    'newcomer-after-s': { type: 'string', default: '10' },
    flooders: { type: 'string', default: '1' },
    'sessions-per-s': { type: 'string', default: '100' },
    joiners: { type: 'string', default: '32' },
  },
});
const num = (name: keyof typeof values, min: number, max: number) => {
  const n = Number(values[name]);
  if (!(n >= min && n <= max))
    throw Error(`[usage] --${name} takes a number from ${min} to ${max}, got ${values[name]}`);
  return n;
};
const MEMBERS = num('members', 2, 32);
const INTERVAL_MS = num('interval-ms', 10, 10_000);
const BASELINE_S = num('baseline-s', 5, 600);
const FLOOD_S = num('flood-s', 5, 600);
const NEWCOMER_AFTER_S = num('newcomer-after-s', 0, FLOOD_S - 1);
const FLOODERS = num('flooders', 1, 8);
const SESSIONS_PER_S = num('sessions-per-s', 1, 1_000);
const JOINERS = num('joiners', 0, 512);
const SETTLE_MS = 3_000;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'stoa-bench-flood-'));
const processes: VatProcess[] = [];
const flooders: ChildProcess[] = [];

/** scripts/soak/soak-member.ts's Control. */
interface Member {
  join(invite: string, name: string, presenceLimits: Record<string, number>): void;
  say(text: string): string[];
  drain(): { shown: Array<{ text: string; history: boolean; latencyMs: number }> };
}

const spawnMember = async (name: string) => {
  const proc = await spawnVat({
    program: here('../scripts/soak/soak-member.ts'),
    dataDir: join(root, name),
  });
  processes.push(proc);
  return proc;
};

/** Starts one flooder; resolves once it floods, and gives a function that stops it and returns its counts. */
const startFlooder = async (i: number, address: string, invite: string) => {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      here('./flood-stranger.ts'),
      ...['--address', address, '--invite', invite],
      ...['--sessions-per-s', String(SESSIONS_PER_S), '--joiners', String(JOINERS)],
      ...['--dir', join(root, `flooder${i}`)],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  flooders.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () =>
    JSON.parse(String((await lines.next()).value)) as Record<string, unknown>;
  if ((await next()).event !== 'flooding') throw Error(`[bench] flooder ${i} did not start`);
  return async () => {
    child.kill('SIGTERM');
    return (await next()).counts as Record<string, number>;
  };
};

type Phase = 'baseline' | 'flood';

const run = async () => {
  const driver = await startVat({ dataDir: join(root, 'driver') });
  try {
    const host = await spawnVat({
      program: here('../test/fixtures/room-vat.ts'),
      dataDir: join(root, 'host'),
    });
    processes.push(host);
    const hostControl = await driver.fetch<Control>(String(host.ready.control));
    const { invite } = await E(hostControl).createRoom('flood', { capacity: 100 });
    const members: Array<{ vatId: string; control: ERef<Member> }> = [];
    for (let i = 0; i < MEMBERS; i += 1) {
      const proc = await spawnMember(`m${i}`);
      const control = await driver.fetch<Member>(String(proc.ready.control));
      await E(control).join(invite, `m${i}`, {});
      members.push({ vatId: proc.vatId, control });
    }

    // A line may be shown (and drained) before its say() returns: keep both
    // sides as they come and match them at the end.
    const sent = new Map<string, { phase: Phase; to: string[] }>();
    const shown: Array<{ text: string; by: string; history: boolean; latencyMs: number }> = [];
    let phase: Phase = 'baseline';
    let n = 0;
    let chatting = true;
    const chat = (async () => {
      while (chatting) {
        const m = members[n % members.length]!;
        n += 1;
        const text = `soak m ${n} ${Date.now()}`;
        const at = phase;
        sent.set(text, { phase: at, to: await E(m.control).say(text) });
        await new Promise(resolve => setTimeout(resolve, INTERVAL_MS));
      }
    })();
    const drain = async () => {
      for (const m of members)
        for (const line of (await E(m.control).drain()).shown) shown.push({ ...line, by: m.vatId });
    };
    const drainer = setInterval(() => void drain(), 2_000);
    const pause = (s: number) => new Promise(resolve => setTimeout(resolve, s * 1000));

    await pause(BASELINE_S);
    phase = 'flood';
    const stops = await Promise.all(
      Array.from({ length: FLOODERS }, (_, i) => startFlooder(i, host.address, invite)),
    );
    const floodStarted = Date.now();
    await pause(NEWCOMER_AFTER_S);
    const newcomer = await spawnMember('newcomer');
    const newcomerControl = await driver.fetch<Member>(String(newcomer.ready.control));
    const asked = Date.now();
    const newcomerMs = await E(newcomerControl)
      .join(invite, 'newcomer', {})
      .then(
        () => {
          members.push({ vatId: newcomer.vatId, control: newcomerControl });
          return Date.now() - asked;
        },
        (error: Error) => {
          console.log(`flood: the newcomer's join failed: ${error.message}`);
          return Number.POSITIVE_INFINITY;
        },
      );
    await pause(Math.max(0, FLOOD_S - (Date.now() - floodStarted) / 1000));
    const floods = await Promise.all(stops.map(stop => stop()));
    chatting = false;
    await chat;
    await pause(SETTLE_MS / 1000);
    clearInterval(drainer);
    await drain();

    const latencies: Record<Phase, number[]> = { baseline: [], flood: [] };
    /** Times each line was shown, by `text recipient`. */
    const times = new Map<string, number>();
    for (const line of shown) {
      const key = `${line.text} ${line.by}`;
      times.set(key, (times.get(key) ?? 0) + 1);
      const at = sent.get(line.text);
      if (at && !line.history) latencies[at.phase].push(line.latencyMs);
    }
    let expected = 0;
    let lost = 0;
    let duplicated = 0;
    const lostSamples: string[] = [];
    const names = new Map(members.map((m, i) => [m.vatId, i < MEMBERS ? `m${i}` : 'newcomer']));
    for (const [text, { phase: at, to }] of sent) {
      for (const vatId of to) {
        expected += 1;
        const got = times.get(`${text} ${vatId}`) ?? 0;
        if (got > 1) duplicated += 1;
        if (got > 0) continue;
        lost += 1;
        if (lostSamples.length < 5)
          lostSamples.push(
            `line ${text.split(' ')[2]} (${at}) to ${names.get(vatId) ?? vatId.slice(0, 8)}`,
          );
      }
    }
    const row = (name: Phase) => {
      const xs = latencies[name];
      return `${name.padEnd(9)}${String(xs.length).padStart(11)}${String(quantile(xs, 0.5)).padStart(8)}${String(quantile(xs, 0.99)).padStart(8)}${String(Math.max(...xs)).padStart(8)}`;
    };
    const p99 = (name: Phase) => quantile(latencies[name], 0.99);
    const floodCounts: Record<string, number> = {};
    for (const counts of floods)
      for (const [k, v] of Object.entries(counts)) floodCounts[k] = (floodCounts[k] ?? 0) + v;

    console.log(
      `\nflood: ${MEMBERS} members, a line every ${INTERVAL_MS} ms; ${FLOODERS} flooder(s), each ${SESSIONS_PER_S} empty sessions/s and ${JOINERS} stalled joins pending; ${BASELINE_S} s baseline, ${FLOOD_S} s flood`,
    );
    console.log('phase     deliveries  p50 ms  p99 ms  max ms');
    console.log(row('baseline'));
    console.log(row('flood'));
    console.log(`flood/baseline p99: ${(p99('flood') / p99('baseline')).toFixed(2)}`);
    console.log(
      `lines ${sent.size}, deliveries expected ${expected}, lost ${lost}, duplicated ${duplicated}${lostSamples.length ? ` (lost: ${lostSamples.join(', ')})` : ''}`,
    );
    console.log(`newcomer joined in ${newcomerMs} ms, ${NEWCOMER_AFTER_S} s into the flood`);
    const opened = floodCounts['sessions opened'] ?? 0;
    console.log(
      `what became of the flood (${(opened / FLOOD_S).toFixed(0)} sessions opened per second):`,
    );
    for (const [k, v] of Object.entries(floodCounts).sort()) console.log(`  ${k}: ${v}`);
    const targets = [
      [`members' p99 during the flood under 1,000 ms (${p99('flood')} ms)`, p99('flood') < 1_000],
      [`newcomer in within 10,000 ms (${newcomerMs} ms)`, newcomerMs < 10_000],
      [`no line lost or duplicated (${lost}, ${duplicated})`, lost === 0 && duplicated === 0],
    ] as const;
    for (const [what, met] of targets) console.log(`target: ${what}: ${met ? 'met' : 'MISSED'}`);
    return targets.every(([, met]) => met);
  } finally {
    await driver.close();
  }
};

let ok = false;
try {
  ok = await run();
} finally {
  for (const child of flooders) child.kill('SIGKILL');
  await Promise.all(processes.map(p => p.kill()));
  rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
