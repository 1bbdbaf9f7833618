// npm run bench:moderation — reports verified and archived per second, for
// windows of 20, 50 and 200 messages, on SQLite and on PostgreSQL (a
// throwaway cluster from the installed binaries) side by side, with the
// verification time split out, and the size of a report on the wire.
// Flags: --reports N (per row, default 200), --seconds S (cap per row, default 10)
import '../vat/lockdown.js';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { vatIdOfKey } from '../captp-transport/index.js';
import { GENESIS, sealEnvelope, type Envelope, type KeptEnvelope } from '../presence/index.js';
import { signSnapshot, type Snapshot } from '../unum/index.js';
import { sealReport } from '../moderation/report.js';
import { openArchive } from '../moderation/archive.js';
import { openArchiveStore } from '../moderation/service.js';
import { verifyReport } from '../moderation/verify-report.js';
import { startThrowawayPostgres } from '../harness/throwaway-postgres.js';
import { quantile } from './quantile.js';

const { values } = parseArgs({
  options: { reports: { type: 'string' }, seconds: { type: 'string' } },
});
const REPORTS = Number(values.reports ?? 200);
const SECONDS = Number(values.seconds ?? 10);

const identity = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    id: vatIdOfKey(publicKey),
    sign: (m: Uint8Array) => sign(null, m, privateKey as KeyObject),
  };
};
const [host, reporter, operator] = [identity(), identity(), identity()];
const authors = [reporter, identity(), identity(), identity()];
const room = 'bench~room';
const snapshot: Snapshot = {
  v: 1,
  room,
  type: 'chat-room',
  name: 'bench',
  host: host.id,
  epoch: 4,
  cseq: 4,
  rulesetHash: '',
  state: { ruleset: {} },
  bans: [],
  members: authors.map((a, i) => ({
    vatId: a.id,
    name: `m${i}`,
    role: 'member' as const,
    address: '127.0.0.1:1',
    joinedAt: i + 1,
    muted: false,
  })),
};
const roster = signSnapshot(snapshot, host.sign);

/** A window of `size` chat lines, round-robin over the authors, chained and with heads, as a presence keeps it. */
const makeWindow = (size: number): KeptEnvelope[] => {
  const last = new Map<string, Envelope>();
  const kept: KeptEnvelope[] = [];
  for (let i = 0; i < size; i += 1) {
    const author = authors[i % authors.length]!;
    const prev = last.get(author.id);
    const heads = [...last.entries()]
      .filter(([id]) => id !== author.id)
      .map(([id, e]) => [id, e.header.seq, e.id] as [string, number, string])
      .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const envelope = sealEnvelope(
      {
        room,
        epoch: 4,
        author: author.id,
        seq: (prev?.header.seq ?? 0) + 1,
        prev: prev?.id ?? GENESIS,
        ts: Date.now(),
        heads,
        kind: 'chat',
      },
      `line ${i}: a chat message of about the usual length, nothing special here`,
      author.sign,
    );
    last.set(author.id, envelope);
    kept.push({ envelope, receivedAt: Date.now() });
  }
  return kept;
};

const postgres = await startThrowawayPostgres();
const dir = mkdtempSync(join(tmpdir(), 'stoa-bench-mod-'));
try {
  console.log(
    `bench:moderation  ${new Date().toISOString()}  node ${process.version}  up to ${REPORTS} reports or ${SECONDS} s per row, one at a time`,
  );
  console.log(
    'window  backend    report B  verify p50 ms  verify p99 ms  archive p50 ms  archive p99 ms  reports/s',
  );
  for (const size of [20, 50, 200]) {
    const window = makeWindow(size);
    const flagged = window
      .filter(k => k.envelope.header.author === authors[1]!.id)
      .slice(0, 3)
      .map(k => k.envelope.id);
    const draft = {
      room,
      epoch: 4,
      reporter: reporter.id,
      accused: [authors[1]!.id],
      category: 'spam',
      trigger: { kind: 'panic' as const },
      flagged,
      window,
      roster,
    };
    for (const backend of ['sqlite', 'postgres']) {
      const spec =
        backend === 'sqlite' ? `sqlite:${join(dir, `archive-${size}.db`)}` : postgres.url;
      const archive = await openArchive(await openArchiveStore(spec), operator, `bench-${size}`);
      const verifyMs: number[] = [];
      const archiveMs: number[] = [];
      let bytes = 0;
      const deadline = performance.now() + SECONDS * 1000;
      const t0 = performance.now();
      for (let i = 0; i < REPORTS && performance.now() < deadline; i += 1) {
        const signed = sealReport(draft, reporter.sign); // the reporter's cost, not timed
        bytes = JSON.stringify(signed).length;
        const a = performance.now();
        const verification = verifyReport(signed, { reporter: reporter.id, host: host.id });
        const b = performance.now();
        if (verification.verdict !== 'verified')
          throw Error(
            `bench report did not verify: ${JSON.stringify(verification.problems.slice(0, 2))}`,
          );
        await archive.append('report', {
          reportId: verification.reportId,
          verdict: verification.verdict,
          signed,
        });
        archiveMs.push(performance.now() - b);
        verifyMs.push(b - a);
      }
      const timed = verifyMs.reduce((x, y) => x + y, 0) + archiveMs.reduce((x, y) => x + y, 0);
      void t0;
      console.log(
        `${String(size).padStart(6)}  ${backend.padEnd(9)}${String(bytes).padStart(10)}${quantile(verifyMs, 0.5).toFixed(2).padStart(15)}${quantile(verifyMs, 0.99).toFixed(2).padStart(15)}` +
          `${quantile(archiveMs, 0.5).toFixed(2).padStart(16)}${quantile(archiveMs, 0.99).toFixed(2).padStart(16)}${((verifyMs.length * 1000) / timed).toFixed(0).padStart(11)}`,
      );
      await archive.close();
    }
  }
  console.log(
    'reports/s counts verification + durable append + receipt (proof and signed checkpoint), one report at a time.',
  );
} finally {
  postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
