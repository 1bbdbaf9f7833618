// The operator's and auditors' command line: stoa moderation start, and the
// auditor console stoa audit login|list|show|act|log|verify-log|web.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fileURLToPath } from 'node:url';
import { STOA_CLI_PATH } from '../../demo-community/cli/stoa-process.js';
import {
  aliceHearsMallory,
  childVat,
  nextEvent,
  runStoa,
  stoaJson,
  tempDir,
  testVat,
} from '../helpers.js';

const MODERATION_VAT = fileURLToPath(new URL('../fixtures/moderation-vat.ts', import.meta.url));

test('stoa moderation start prints the report inbox and the granted auditor refs', async t => {
  const proc = await childVat(t, {
    program: fileURLToPath(new URL('../../demo-community/cli/stoa.ts', import.meta.url)),
    args: ['moderation', 'start', '--grant', 'admin:root', '--grant', 'triage:tia'],
  });
  t.regex(String(proc.ready.reportInbox), /^stoa:\/\/[a-z2-7]{52}@127\.0\.0\.1:\d+\/s\//);
  t.deepEqual(Object.keys(proc.ready.grants as object), ['root', 'tia']);
  t.is(await proc.stop(), 0, proc.stderr());
  const withDashboard = await childVat(t, {
    program: STOA_CLI_PATH,
    args: ['moderation', 'start', '--dashboard'],
  });
  const page = await fetch(String(withDashboard.ready.dashboard));
  t.is(page.status, 200, "the operator's dashboard is served on 127.0.0.1");
  t.regex(await page.text(), /src="dashboard.js"/);
  t.is(await withDashboard.stop(), 0, withDashboard.stderr());
  const bad = await runStoa(['moderation', 'start', '--data', tempDir(t), '--grant', 'boss:x']);
  t.deepEqual(
    [bad.code, bad.stderr.split('\n')[0]],
    [
      2,
      'stoa moderation start: --grant takes ROLE:LABEL with ROLE triage, act or admin, got "boss:x"',
    ],
    bad.stderr,
  );
});

test('an auditor logs in, lists cases, kicks with a statement of reasons, and verifies the log', async t => {
  const operator = await childVat(t, { program: MODERATION_VAT });
  const driver = await testVat(t);
  const control = await driver.fetch<{
    invite(): string;
    grant(role: string, label: string): string;
  }>(String(operator.ready.control));
  const invite = await E(control).invite();
  const { malloryVat, alice, mallory, line } = await aliceHearsMallory(t, invite, 'spam spam spam');
  await alice.report({ category: 'spam', flagged: [line.id] });

  const data = tempDir(t);
  const ref = await E(control).grant('act', 'ana');
  const login = await runStoa(['audit', 'login', '-', '--data', data], {}, ref);
  t.deepEqual([login.code, login.stdout], [0, 'logged in as auditor "ana" (act)\n']);
  const [theCase] = await stoaJson(['audit', 'list', '--data', data]);
  t.like(theCase, { accused: [malloryVat.id], priority: 1, reports: 1 });
  const shown = await stoaJson(['audit', 'show', theCase.caseId, '--data', data]);
  t.is(shown.reports[0].verdict, 'verified');

  t.is((await runStoa(['audit', 'verify-log', '--data', data])).code, 0);
  const removed = nextEvent<{ reason: string }>(
    l => mallory.on('removed', l),
    () => true,
  );
  const acted = await runStoa([
    'audit',
    'act',
    theCase.caseId,
    '--action',
    'kick',
    '--reason',
    'spamming the room',
    '--data',
    data,
  ]);
  t.is(acted.code, 0, acted.stderr);
  t.regex((await removed).reason, /^kicked: spamming the room/);
  const verified = await runStoa(['audit', 'verify-log', '--data', data]);
  t.regex(
    verified.stdout,
    /^the log grew from \d+ to \d+ entries and kept every one \(consistency proof verified\)\n$/,
  );
  const log = (await stoaJson(['audit', 'log', '--data', data])) as Array<{ kind: string }>;
  t.deepEqual(
    log.map(e => e.kind),
    ['report', 'auditor-granted', 'action'],
  );

  // The dashboard: served by the auditor's vat, on 127.0.0.1 behind this start's token.
  const web = await childVat(t, { program: STOA_CLI_PATH, args: ['audit', 'web'], dataDir: data });
  t.like(web.ready, { auditor: 'ana', role: 'act' });
  const page = await fetch(String(web.ready.dashboard));
  t.is(page.status, 200);
  t.regex(await page.text(), /<script type="module" src="dashboard.js">/);
  t.is((await fetch(new URL('/', String(web.ready.dashboard)))).status, 404);
  t.is(await web.stop(), 0, web.stderr());

  const noReason = await runStoa([
    'audit',
    'act',
    theCase.caseId,
    '--action',
    'ban',
    '--data',
    data,
  ]);
  t.deepEqual(
    [noReason.code, noReason.stderr.split('\n')[0]],
    [2, 'stoa audit: --reason "…" is required: the statement of reasons'],
  );
  const loggedOut = await runStoa(['audit', 'list', '--data', tempDir(t)]);
  t.is(loggedOut.code, 1);
  t.regex(
    loggedOut.stderr,
    /^stoa audit: no auditor capability in .*; run: stoa audit login REF\n$/,
  );
});
