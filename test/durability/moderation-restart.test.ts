// The moderation service's critical state outlives its process, restored by
// the service itself: auditor grants (also one an admin auditor made at run
// time) and revocations, every case with its reports, notes and actions,
// receipts the room's enforcer already applied, the room's kicks, and report
// budgets by VatId. Once with a clean stop, once with SIGKILL right after the
// last call was acknowledged.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fileURLToPath } from 'node:url';
import { signAction, type Receipt } from '../../index.js';
import type { AuditorFacet, Case } from '../../moderation/index.js';
import { aliceHearsMallory, childVat, nextEvent, tempDir, testVat } from '../helpers.js';

const MODERATION_VAT = fileURLToPath(new URL('../fixtures/moderation-vat.ts', import.meta.url));

interface Control {
  invite(): string;
  grant(role: 'triage' | 'act' | 'admin', label: string): string;
  roster(): string[];
  applyAgain(body: unknown, receipt: Receipt): void;
}
type AdminFacet = AuditorFacet & {
  grant(role: string, label: string): string;
  revoke(label: string): void;
};

const restartedService = (stop: 'stop' | 'kill') => async (t: import('ava').ExecutionContext) => {
  const dataDir = tempDir(t);
  const args = ['--report-burst', '2'];
  const operator = await childVat(t, { program: MODERATION_VAT, dataDir, args });
  const driver = await testVat(t);
  const control = await driver.fetch<Control>(String(operator.ready.control));
  const invite = await E(control).invite();
  const { malloryVat, alice, line } = await aliceHearsMallory(t, invite, 'abuse', {
    minBackoffMs: 50,
    maxBackoffMs: 200,
  });
  const anaVat = await testVat(t);
  const { caseId } = (await alice.report({ category: 'harassment', flagged: [line.id] })) as {
    caseId: string;
  };

  const anaRef = await E(control).grant('act', 'ana');
  const ana = await anaVat.fetch<AuditorFacet>(anaRef);
  await E(ana).annotate(caseId, 'mallory was warned before');
  const signed = signAction(
    {
      caseId,
      room: alice.room,
      action: 'kick',
      target: malloryVat.id,
      durationMs: 0,
      reason: 'abuse',
      auditor: anaVat.id,
    },
    m => anaVat.sign(m),
  );
  const kickReceipt = await E(ana).act(signed);
  const root = await driver.fetch<AdminFacet>(await E(control).grant('admin', 'root'));
  const tomRef = await E(root).grant('triage', 'tom');
  await E(root).revoke('tom');
  await alice.report({ category: 'harassment', note: 'again', flagged: [line.id] }); // the second of a burst of two
  if (stop === 'kill') await operator.kill();
  else t.is(await operator.stop(), 0);

  const again = await childVat(t, {
    program: MODERATION_VAT,
    dataDir,
    args,
    listen: operator.address,
  });
  const control2 = await driver.fetch<Control>(String(again.ready.control));
  t.is(
    await E(control2).grant('act', 'ana'),
    anaRef,
    "the label's live grant: the same sturdy ref",
  );
  const ana2 = await anaVat.fetch<AuditorFacet>(anaRef);
  t.like(await E(ana2).whoami(), { label: 'ana', role: 'act' });
  const restored = (await E(ana2).show(caseId)) as Case;
  t.is(restored.reports.length, 2, 'both reports');
  t.deepEqual(
    restored.notes.map(n => [n.note, n.auditor]),
    [['mallory was warned before', 'ana']],
  );
  t.deepEqual(
    restored.actions.map(a => [a.action, a.target, a.auditor, a.entry]),
    [['kick', malloryVat.id, 'ana', kickReceipt.index]],
  );

  const tom = await driver.fetch<AuditorFacet>(tomRef);
  await t.throwsAsync(
    E(tom).list(),
    { message: '[revoked] auditor "tom" was revoked' },
    'a grant made at run time stays revoked',
  );
  t.not(
    await E(control2).grant('triage', 'tom'),
    tomRef,
    'granting again after a revocation is a new capability',
  );

  await t.throwsAsync(E(control2).applyAgain({ caseId, label: 'ana', signed }, kickReceipt), {
    message: /^\[already-applied\]/,
  });
  t.deepEqual(await E(control2).roster(), ['alice'], 'the kick held');

  if (!alice.hostReachable())
    await nextEvent<{ reachable: boolean }>(
      l => alice.on('host', l),
      h => h.reachable,
    );
  await t.throwsAsync(
    alice.report({ category: 'harassment', note: 'third', flagged: [line.id] }),
    { message: /^\[rate-limited\] too many reports from \w{8}/ },
    'the burst stayed spent',
  );
};

test(
  'a restarted moderation service keeps grants, revocations, cases, applied receipts, kicks and report budgets',
  restartedService('stop'),
);
test('the same after SIGKILL right after the last acknowledged call', restartedService('kill'));
