// A data directory written before storage moved behind the vat (commit
// ffc208c; test/fixtures/data-ffc208c) still works: the vats keep their
// identities and named exports (the intake, the invite), the host hosts its
// room and the members are in it again, their windows show what they saw,
// and the moderation archive still holds and verifies alice's report.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { chmodSync, cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STOA_CLI_PATH } from '../../demo-community/cli/stoa-process.js';
import type { AuditorFacet } from '../../moderation/index.js';
import { childVat, stoaJson, tempDir, testVat } from '../helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-ffc208c', import.meta.url));
const written = JSON.parse(readFileSync(join(FIXTURE, 'fixture.json'), 'utf8'));

/** A copy with the modes git does not keep: owner-only folders and keys. */
const copyFixture = (to: string) => {
  cpSync(FIXTURE, to, { recursive: true });
  for (const vat of ['mod', 'host', 'alice', 'bob']) {
    chmodSync(join(to, vat), 0o700);
    chmodSync(join(to, vat, 'identity'), 0o700);
    chmodSync(join(to, vat, 'identity', 'key.pem'), 0o600);
    for (const file of readdirSync(join(to, vat)).filter(f => f.endsWith('.db')))
      chmodSync(join(to, vat, file), 0o600);
  }
};

test('vats started on a data directory written at ffc208c keep identities, exports, rooms, windows and the archive', async t => {
  const root = tempDir(t);
  copyFixture(root);
  const mod = await childVat(t, {
    program: STOA_CLI_PATH,
    args: ['moderation', 'start', '--grant', 'triage:tess'],
    dataDir: join(root, 'mod'),
    listen: '127.0.0.1:29101',
  });
  t.is(mod.vatId, written.vatIds.mod);
  t.is(mod.ready.reportInbox, written.reportInbox, 'the intake keeps its sturdy ref');

  const host = await childVat(t, { dataDir: join(root, 'host'), listen: '127.0.0.1:29102' });
  t.is(host.vatId, written.vatIds.host);
  await Promise.all(
    ['alice', 'bob'].map((name, i) =>
      childVat(t, { dataDir: join(root, name), listen: `127.0.0.1:${29103 + i}` }),
    ),
  );
  t.like((await stoaJson(['rooms', '--data', join(root, 'host')]))[0], {
    role: 'host',
    invite: written.invite,
    members: ['alice', 'bob'],
  });
  t.like((await stoaJson(['rooms', '--data', join(root, 'alice')]))[0], {
    role: 'member',
    as: 'alice',
    members: ['alice', 'bob'],
  });
  const lines = (await stoaJson(['history', 'lobby', '--data', join(root, 'alice')])) as Array<{
    text: string;
  }>;
  t.deepEqual(
    lines.map(l => l.text),
    ['hello bob', 'buy cheap pills now', 'psst'],
    "alice's window from before",
  );

  const driver = await testVat(t);
  const tess = await driver.fetch<AuditorFacet>(
    String((mod.ready.grants as Record<string, string>).tess),
  );
  const [only] = await E(tess).list();
  t.like(only, { caseId: written.receipt.caseId, reports: 1, accused: [written.vatIds.bob] });
  const { reports } = await E(tess).show(only!.caseId);
  t.like(await E(tess).verify(reports[0]!.reportId), {
    verdict: 'verified',
    entry: written.receipt.receipt.index,
  });
  t.true(
    JSON.parse((await E(tess).checkpoint()).checkpoint).size > written.archiveSize,
    'the old entries, and the new grant after them',
  );
});
