// npm run bench:quorum — critical changes in a room whose state k replicas
// decide by majority rule (docs/protocol.md §4.8, §4.9), for k = 1 (one host,
// the baseline), 3 and 5 in one run. Every replica and member is its own
// process (test/fixtures/room-vat.ts); the members join one at a time and the
// owner kicks them one at a time, for --rounds rounds. Printed per k:
//   join ms  p50/p99: a member's join call, until it holds the state that admits it;
//   kick ms  p50/p99: the owner's kick call, until the kicked member knows it was removed;
//   B/change by each replica: CapTP payload bytes a replica sent (to everyone) per change;
//   B/change to each member: what the replicas sent one member per change, measured,
//     and beside it the paper's formula: N_majority full updates plus
//     (k − N_majority) hashes, with the full update as long as the state's text
//     and N_majority signatures, a hash as 43 characters and a signature.
// Flags: --ks 1,3,5  --members 6  --rounds 3
import '../vat/lockdown.js';
import { E, type ERef } from '@endo/far';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnVat, type VatProcess } from '../harness/spawn-vat.js';
import { startVat } from '../vat/index.js';
import { majorityOf } from '../unum/quorum/order.js';
import { quantile } from './quantile.js';

const { values } = parseArgs({
  options: {
    ks: { type: 'string', default: '1,3,5' },
    members: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '3' },
  },
});
const KS = values.ks.split(',').map(Number);
const MEMBERS = Number(values.members);
const ROUNDS = Number(values.rounds);
const ROOM_VAT = fileURLToPath(new URL('../test/fixtures/room-vat.ts', import.meta.url));
/** A signature's length in b64u, and a hash's, as they travel. */
const SIG_CHARS = 86;
const HASH_CHARS = 43;

interface Control {
  createRoom(name: string, opts: { replicas?: number }): { invite: string; replicaInvite?: string };
  serveReplica(invite: string): { invite: string };
  hostedSnapshot(): { members: unknown[] };
  kick(vatId: string, reason: string): void;
  join(invite: string, name: string, p?: object, l?: object): unknown;
  waitForCount(type: string, count: number, timeoutMs?: number): boolean;
  vatStats(): { peers: Array<{ peer: string; bytesSent: number }> };
}

interface Row {
  k: number;
  joins: number[];
  kicks: number[];
  byReplica: number;
  toMember: number;
  formula: number;
}

const root = mkdtempSync(join(tmpdir(), 'stoa-bench-quorum-'));
const processes: VatProcess[] = [];
const spawn = async (name: string) => {
  const proc = await spawnVat({ program: ROOM_VAT, dataDir: join(root, name) });
  processes.push(proc);
  return proc;
};

const bytesTo = async (control: ERef<Control>) =>
  new Map((await E(control).vatStats()).peers.map(p => [p.peer, p.bytesSent]));

const runK = async (driver: Awaited<ReturnType<typeof startVat>>, k: number): Promise<Row> => {
  const replicaProcs = await Promise.all(Array.from({ length: k }, (_, i) => spawn(`k${k}-r${i}`)));
  const replicas = await Promise.all(
    replicaProcs.map(p => driver.fetch<Control>(String(p.ready.control))),
  );
  const owner = replicas[0]!;
  const { invite, replicaInvite } = await E(owner).createRoom(
    'bench',
    k > 1 ? { replicas: k } : {},
  );
  for (const r of replicas.slice(1)) await E(r).serveReplica(replicaInvite!);
  const memberProcs = await Promise.all(
    Array.from({ length: MEMBERS }, (_, i) => spawn(`k${k}-m${i}`)),
  );
  const members = await Promise.all(
    memberProcs.map(p => driver.fetch<Control>(String(p.ready.control))),
  );
  const memberIds = new Set(memberProcs.map(p => p.vatId));

  const before = await Promise.all(replicas.map(bytesTo));
  const joins: number[] = [];
  const kicks: number[] = [];
  let snapshotChars = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [i, m] of members.entries()) {
      const started = performance.now();
      await E(m).join(invite, `m${i}`);
      joins.push(performance.now() - started);
    }
    snapshotChars = Math.max(snapshotChars, JSON.stringify(await E(owner).hostedSnapshot()).length);
    for (const [i, m] of members.entries()) {
      const started = performance.now();
      await E(owner).kick(memberProcs[i]!.vatId, 'bench');
      await E(m).waitForCount('removed', round + 1);
      kicks.push(performance.now() - started);
    }
  }
  const after = await Promise.all(replicas.map(bytesTo));
  const changes = 2 * MEMBERS * ROUNDS;
  let sentAll = 0;
  let sentMembers = 0;
  for (const [i, map] of after.entries()) {
    for (const [peer, bytes] of map) {
      const delta = bytes - (before[i]!.get(peer) ?? 0);
      sentAll += delta;
      if (memberIds.has(peer)) sentMembers += delta;
    }
  }
  const nMaj = majorityOf(k);
  const full = snapshotChars + nMaj * (SIG_CHARS + 60);
  const hash = HASH_CHARS + SIG_CHARS + 60;
  for (const p of [...replicaProcs, ...memberProcs]) await p.kill();
  return {
    k,
    joins,
    kicks,
    byReplica: sentAll / k / changes,
    // Each change reaches the members in the room then: on average half of them.
    toMember: sentMembers / changes / (MEMBERS / 2),
    formula: nMaj * full + (k - nMaj) * hash,
  };
};

const main = async () => {
  const driver = await startVat({ dataDir: join(root, 'driver') });
  const rows: Row[] = [];
  try {
    for (const k of KS) rows.push(await runK(driver, k));
  } finally {
    await driver.close();
    for (const p of processes) await p.kill().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
  console.log(
    `bench:quorum  ${new Date().toISOString()}  node ${process.version}  ${MEMBERS} members, ${ROUNDS} rounds of joins then kicks, one process per replica and member`,
  );
  console.log(
    'k  N_maj  join p50  join p99  kick p50  kick p99   B/change by each replica   B/change to each member   formula   measured/formula',
  );
  const base = rows.find(r => r.k === 1);
  for (const r of rows) {
    const cells = [
      String(r.k).padEnd(3),
      String(majorityOf(r.k)).padStart(5),
      quantile(r.joins, 0.5).toFixed(0).padStart(9),
      quantile(r.joins, 0.99).toFixed(0).padStart(9),
      quantile(r.kicks, 0.5).toFixed(0).padStart(9),
      quantile(r.kicks, 0.99).toFixed(0).padStart(9),
      r.byReplica.toFixed(0).padStart(26),
      r.toMember.toFixed(0).padStart(25),
      r.formula.toFixed(0).padStart(9),
      (r.toMember / r.formula).toFixed(2).padStart(18),
    ];
    console.log(cells.join(''));
  }
  if (base)
    for (const r of rows.filter(x => x.k > 1))
      console.log(
        `k = ${r.k} against k = 1: join p50 ${(quantile(r.joins, 0.5) / quantile(base.joins, 0.5)).toFixed(2)}x, kick p50 ${(quantile(r.kicks, 0.5) / quantile(base.kicks, 0.5)).toFixed(2)}x, bytes to each member ${(r.toMember / base.toMember).toFixed(2)}x`,
      );
};

await main();
process.exit(0);
