// npm run soak — a moderated room with 16 member vats, each in its own
// process, for 10 minutes (--minutes, --members): members chat, leave and
// join again, are kicked and join again, and report; the host is restarted
// at a third of the run and the moderation service at two thirds. Prints the
// lines lost and duplicated, equivocations, delivery p50/p99, and each
// process's heap growth from the end of warm-up (a quarter of the run, with a
// small window so windows are full by then) to the end, after forced GCs.
// Expected: 0 lost, 0 duplicated, heap growth under 10 %. STOA_SOAK_DEBUG=1
// also prints each leave and kick, every delivery slower than 1 s, and the
// last stderr lines of each process (add STOA_DEBUG=presence for why a line waited).
import '../vat/lockdown.js';
import '@endo/eventual-send/shim.js';
import { E, type ERef } from '@endo/far';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { quantile } from '../bench/quantile.js';
import { spawnVat, type VatProcess } from '../harness/spawn-vat.js';
import type { Control } from '../test/helpers.js';
import { startVat, type Vat } from '../vat/index.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    members: { type: 'string', default: '16' },
  },
});
const MINUTES = Number(values.minutes);
const MEMBERS = Number(values.members);
if (!(MINUTES > 0 && MINUTES <= 120) || !Number.isInteger(MEMBERS) || MEMBERS < 2 || MEMBERS > 64)
  throw Error('[usage] npm run soak -- [--minutes 0.5..120] [--members 2..64]');
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ROOM_VAT = here('../test/fixtures/room-vat.ts');
const MODERATION_VAT = here('../test/fixtures/moderation-vat.ts');
const MEMBER_VAT = here('./soak/soak-member.ts');
const WINDOW = { windowEnvelopes: 50, windowMs: 1_000, windowHardCap: 100 };
/** A line counts as lost only if its recipient stayed a member this long after it was sent. */
const SETTLE_MS = 10_000;

const root = mkdtempSync(join(tmpdir(), 'stoa-soak-'));
const processes: VatProcess[] = [];
const spawn = async (program: string, name: string, listen?: string, args: string[] = []) => {
  const proc = await spawnVat({
    program,
    dataDir: join(root, name),
    nodeArgs: ['--expose-gc'],
    args,
    ...(listen ? { listen } : {}),
  });
  processes.push(proc);
  return proc;
};

/** scripts/soak/soak-member.ts's Control. */
interface SoakMember {
  join(invite: string, name: string, presenceLimits: Record<string, number>): void;
  say(text: string): string[];
  leave(): void;
  report(): string;
  drain(): {
    shown: Array<{ from: string; text: string; history: boolean; latencyMs: number }>;
    equivocations: number;
    gaps: number;
  };
  heapAfterGc(): number;
}

interface Member {
  name: string;
  proc: VatProcess;
  control: ERef<SoakMember>;
  /** Times it was not a member (left, kicked), as [from, to]. */
  away: Array<[number, number]>;
  shownLive: Map<string, number>;
  shownAny: Set<string>;
}

const run = async (driver: Vat) => {
  const mod = await spawn(MODERATION_VAT, 'mod', undefined, ['--report-burst', '1000']);
  const modControl = await driver.fetch<{ reportInbox(): string }>(String(mod.ready.control));
  const reportInbox = await E(modControl).reportInbox();
  let host = await spawn(ROOM_VAT, 'host');
  let hostControl = await driver.fetch<Control>(String(host.ready.control));
  const { invite } = await E(hostControl).createRoom('soak', {
    moderation: reportInbox,
    capacity: 100,
  });
  const members: Member[] = [];
  for (let i = 0; i < MEMBERS; i += 1) {
    const proc = await spawn(MEMBER_VAT, `m${i}`);
    const control = await driver.fetch<SoakMember>(String(proc.ready.control));
    await E(control).join(invite, `m${i}`, WINDOW);
    members.push({
      name: `m${i}`,
      proc,
      control,
      away: [],
      shownLive: new Map(),
      shownAny: new Set(),
    });
  }
  const byVat = new Map(members.map(m => [m.proc.vatId, m]));
  const sent = new Map<string, { at: number; to: string[] }>();
  const latencies: number[] = [];
  let equivocations = 0;
  let duplicates = 0;
  let gaps = 0;
  const lostSamples: string[] = [];
  const counts = { lines: 0, leaves: 0, kicks: 0, reports: 0, failures: 0 };
  const drainAll = async () => {
    for (const m of members) {
      const { shown, equivocations: e, gaps: g } = await E(m.control).drain();
      equivocations += e;
      gaps += g;
      for (const line of shown) {
        if (!line.text.startsWith('soak ')) continue;
        m.shownAny.add(line.text);
        if (line.history) continue;
        const n = (m.shownLive.get(line.text) ?? 0) + 1;
        m.shownLive.set(line.text, n);
        if (n === 2) duplicates += 1;
        latencies.push(line.latencyMs);
        if (line.latencyMs > 1_000 && process.env.STOA_SOAK_DEBUG)
          console.log(
            `slow: ${line.text.split(' ').slice(1, 3).join(' ')} to ${m.name} after ${line.latencyMs} ms, at +${Math.round((Date.now() - started) / 1000)} s`,
          );
      }
    }
  };
  const heaps = async () =>
    Object.fromEntries(
      await Promise.all(
        [['host', hostControl] as const, ...members.map(m => [m.name, m.control] as const)].map(
          async ([name, c]) => [name, Number(await E(c).heapAfterGc())] as const,
        ),
      ),
    ) as Record<string, number>;

  const started = Date.now();
  const end = started + MINUTES * 60_000;
  const warmUpEnd = started + MINUTES * 15_000;
  let warm: Record<string, number> | undefined;
  let hostRestarted = false;
  let modRestarted = false;
  let n = 0;
  const rejoin = async (m: Member, from: number) => {
    await E(m.control).join(invite, m.name, WINDOW);
    m.away.push([from, Date.now()]);
  };
  while (Date.now() < end) {
    const now = Date.now();
    if (!warm && now >= warmUpEnd) warm = await heaps();
    if (!hostRestarted && now >= started + (end - started) / 3) {
      hostRestarted = true;
      await host.kill();
      host = await spawn(ROOM_VAT, 'host', host.address);
      hostControl = await driver.fetch<Control>(String(host.ready.control));
      await E(hostControl).createRoom('soak', { moderation: reportInbox, capacity: 100 });
      console.log(`soak: host restarted at ${Math.round((Date.now() - started) / 1000)} s`);
    }
    if (!modRestarted && now >= started + (2 * (end - started)) / 3) {
      modRestarted = true;
      await mod.kill();
      await spawn(MODERATION_VAT, 'mod', mod.address, ['--report-burst', '1000']);
      console.log(`soak: moderation restarted at ${Math.round((Date.now() - started) / 1000)} s`);
    }
    const m = members[Math.floor(Math.random() * members.length)]!;
    const dice = Math.random();
    try {
      if (dice < 0.02) {
        const from = Date.now();
        if (process.env.STOA_SOAK_DEBUG)
          console.log(`leave ${m.name} at +${Math.round((from - started) / 1000)} s`);
        await E(m.control).leave();
        counts.leaves += 1;
        await rejoin(m, from);
      } else if (dice < 0.03) {
        const from = Date.now();
        if (process.env.STOA_SOAK_DEBUG)
          console.log(`kick ${m.name} at +${Math.round((from - started) / 1000)} s`);
        await E(hostControl).kick(m.proc.vatId, 'soak');
        counts.kicks += 1;
        await rejoin(m, from);
      } else if (dice < 0.04) {
        await E(m.control).report();
        counts.reports += 1;
      } else {
        n += 1;
        const text = `soak ${m.name} ${n} ${Date.now()}`;
        const to = (await E(m.control).say(text)) as string[];
        sent.set(text, { at: Date.now(), to });
        counts.lines += 1;
      }
    } catch (error) {
      counts.failures += 1;
      if (counts.failures <= 5) console.log(`soak: ${(error as Error).message.slice(0, 200)}`);
    }
    if (n % 50 === 0) await drainAll();
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  await new Promise(resolve => setTimeout(resolve, SETTLE_MS)); // the last lines settle
  await drainAll();
  const last = await heaps();
  let lost = 0;
  let checked = 0;
  for (const [text, { at, to }] of sent) {
    for (const vatId of to) {
      const r = byVat.get(vatId);
      if (!r || r.away.some(([from, until]) => from - 1_000 < at + SETTLE_MS && until > at - 1_000))
        continue;
      checked += 1;
      if (!r.shownAny.has(text)) {
        lost += 1;
        if (lostSamples.length < 5)
          lostSamples.push(
            `${text.split(' ').slice(1, 3).join(' ')} at +${Math.round((at - started) / 1000)} s to ${r.name}`,
          );
      }
    }
  }
  console.log(`\nsoak: ${MEMBERS} members, ${MINUTES} min; ${JSON.stringify(counts)}`);
  console.log(
    `lines sent ${counts.lines}, deliveries checked ${checked}, lost ${lost}, duplicated ${duplicates}, equivocations ${equivocations}, gaps given up ${gaps}${lostSamples.length ? `; lost: ${lostSamples.join('; ')}` : ''}`,
  );
  console.log(
    `delivery latency (live): p50 ${quantile(latencies, 0.5)} ms, p99 ${quantile(latencies, 0.99)} ms, over ${latencies.length} deliveries`,
  );
  console.log('heap after GC, end of warm-up -> end:');
  let worst = 0;
  for (const [name, before] of Object.entries(warm ?? {})) {
    const after = last[name] ?? NaN;
    // The host restarted after warm-up: its growth is measured from its new start.
    const growth = ((after - before) / before) * 100;
    if (name !== 'host') worst = Math.max(worst, growth);
    console.log(
      `  ${name.padEnd(5)} ${(before / 2 ** 20).toFixed(1)} MiB -> ${(after / 2 ** 20).toFixed(1)} MiB  ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %${name === 'host' ? ' (restarted in between)' : ''}`,
    );
  }
  console.log(`worst member growth ${worst.toFixed(1)} %`);
  if (process.env.STOA_SOAK_DEBUG)
    for (const p of processes) {
      const said = p.stderr().trim().split('\n').filter(Boolean);
      if (said.length)
        console.log(`stderr of ${p.vatId.slice(0, 8)}:\n  ${said.slice(-30).join('\n  ')}`);
    }
  return lost === 0 && duplicates === 0 && equivocations === 0 && worst < 10;
};

const driver = await startVat({ dataDir: join(root, 'driver') });
let ok = false;
try {
  ok = await run(driver);
} finally {
  await driver.close();
  await Promise.all(processes.map(p => p.kill()));
  rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
