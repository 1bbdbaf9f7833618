// Moderation with every party in its own process: the operator's vat (the
// moderation service and the room host), three members, and an auditor here.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fileURLToPath } from 'node:url';
import { signAction, verifyReceipt, type Receipt } from '../../moderation/index.js';
import { childVat, roomVat, testVat } from '../helpers.js';

const MODERATION_VAT = fileURLToPath(new URL('../fixtures/moderation-vat.ts', import.meta.url));

interface OperatorControl {
  invite(): string;
  operator(): string;
  grant(role: string, label: string): string;
  setRuleset(ruleset: object): void;
  roster(): string[];
}
interface ActAuditor {
  list(): Array<{ caseId: string; room: string; accused: string[]; priority: number }>;
  act(signed: { action: string; sig: string }): Receipt;
}

const setUp = async (t: Parameters<typeof testVat>[0]) => {
  const auditorVat = await testVat(t);
  const operatorProc = await childVat(t, {
    program: MODERATION_VAT,
    args: ['--report-burst', '20'],
  });
  const operator = await auditorVat.fetch<OperatorControl>(String(operatorProc.ready.control));
  const invite = await E(operator).invite();
  const [alice, bob, mallory] = await Promise.all([
    roomVat(t, auditorVat),
    roomVat(t, auditorVat),
    roomVat(t, auditorVat),
  ]);
  for (const [m, name] of [
    [alice, 'alice'],
    [bob, 'bob'],
    [mallory, 'mallory'],
  ] as const)
    await E(m.control).join(invite, name);
  return { auditorVat, operator, operatorProc, alice, bob, mallory };
};

test('a filter hit auto-reports, an auditor kicks the offender, and every presence drops her', async t => {
  const { auditorVat, operator, operatorProc, alice, bob, mallory } = await setUp(t);
  await E(operator).setRuleset({
    rules: [{ id: 'insults', action: 'auto-report', category: 'harassment', keywords: ['idiot'] }],
  });
  for (const m of [alice, bob])
    await E(m.control).waitFor('roster', { members: ['alice', 'bob', 'mallory'], epoch: 4 });
  await E(mallory.control).say('you idiot');
  const reported = await E(bob.control).waitFor('reported', { rule: 'insults' });
  t.is(reported.verdict, 'verified');
  t.like(await E(alice.control).waitFor('filtered', { text: 'you idiot' }), {
    action: 'auto-report',
  });
  t.false(
    (await E(bob.control).events('message')).some(m => m.text === 'you idiot'),
    'never shown',
  );

  const ana = await auditorVat.fetch<ActAuditor>(await E(operator).grant('act', 'ana'));
  const [top] = await E(ana).list();
  t.like(top, { accused: [mallory.vatId], priority: 2 }, 'alice and bob both reported');
  const receipt = await E(ana).act(
    signAction(
      {
        caseId: top!.caseId,
        room: top!.room,
        action: 'kick',
        target: mallory.vatId,
        durationMs: 0,
        reason: 'insulting members',
        auditor: auditorVat.id,
      },
      m => auditorVat.sign(m),
    ),
  );
  verifyReceipt(receipt, operatorProc.vatId);
  t.regex(
    String((await E(mallory.control).waitFor('removed')).reason),
    /^kicked: insulting members/,
  );
  for (const m of [alice, bob]) await E(m.control).waitFor('roster', { members: ['alice', 'bob'] });
  t.deepEqual(await E(operator).roster(), ['alice', 'bob']);
});

test('the panic button sends the window; the verdict and receipt come back', async t => {
  const { operatorProc, alice, mallory } = await setUp(t);
  await E(mallory.control).say('give me your password');
  await E(alice.control).waitFor('message', { text: 'give me your password' });
  const result = await E(alice.control).report('scam', ['give me your password']);
  t.is(result.verdict, 'verified');
  verifyReceipt(result.receipt as Receipt, operatorProc.vatId);
});
