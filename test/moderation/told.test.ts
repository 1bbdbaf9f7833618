// People are told what moderation did (issue 11, items 2 and 6): a mute, its
// lifting and a timed mute's end reach every presence as the notice of the
// host-signed roster change; a case is acted on, dismissed, and has a status;
// the reporter's vat learns the decisions on its case from the service, by a
// call that waits for them; an auditor waits for the log to grow instead of
// asking again; names come from every roster the service saw.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fileURLToPath } from 'node:url';
import type { RosterUpdate } from '../../unum/index.js';
import { actOnCase, type AuditorFacet } from '../../moderation/index.js';
import { aliceHearsMallory, childVat, nextEvent, testVat } from '../helpers.js';

const MODERATION_VAT = fileURLToPath(new URL('../fixtures/moderation-vat.ts', import.meta.url));

test('a mute, its lifting and its end reach the room as notices; the case is acted on, dismissed, and the reporter told', async t => {
  const operator = await childVat(t, { program: MODERATION_VAT });
  const driver = await testVat(t);
  const control = await driver.fetch<{
    invite(): string;
    grant(role: string, label: string): string;
  }>(String(operator.ready.control));
  const { malloryVat, alice, mallory, line } = await aliceHearsMallory(
    t,
    await E(control).invite(),
    'buy cheap watches',
  );
  const report = (await alice.report({ category: 'spam', flagged: [line.id] })) as {
    caseId: string;
  };
  const auditor = (await driver.fetch<AuditorFacet>(
    await E(control).grant('act', 'ana'),
  )) as unknown as AuditorFacet;
  const noticeFor = (member: typeof alice, what: string) =>
    nextEvent<RosterUpdate>(
      l => member.on('roster', l),
      u => u.notice?.what === what,
    );

  // Both are waiting before the auditor acts: told, not asking again.
  t.is((await E(auditor).list()).length, 1);
  const grew = E(auditor).awaitLog((await E(auditor).log(0, 500)).length, 30_000);
  const told = alice.outcomes(0, 30_000);
  const [aliceSees, mallorySees] = [noticeFor(alice, 'mute'), noticeFor(mallory, 'mute')];
  const before = Date.now();
  await actOnCase(auditor, driver, {
    caseId: report.caseId,
    action: 'mute',
    reason: 'selling watches in the book club',
    duration: '10m',
  });
  const [seen, own] = await Promise.all([aliceSees, mallorySees]);
  t.like(seen.notice, { what: 'mute', vatId: malloryVat.id, name: 'mallory' });
  t.regex(seen.notice!.reason, /^selling watches in the book club \(case .+, auditor ana\)$/);
  t.true(seen.notice!.until >= before + 600_000 && seen.notice!.until <= Date.now() + 600_000);
  t.deepEqual(own.notice, seen.notice, 'every presence shows the same signed notice');
  const self = mallory.roster().find(m => m.vatId === malloryVat.id)!;
  t.like(self, { muted: true, mutedUntil: seen.notice!.until });
  t.regex(self.muteReason!, /^selling watches/);
  t.true((await grew) > 0, "the auditor's wait ended when the log grew");
  const [decision] = await told;
  t.like(decision, {
    caseId: report.caseId,
    action: 'mute',
    target: malloryVat.id,
    durationMs: 600_000,
    auditor: 'ana',
  });
  t.is((await E(auditor).list())[0]!.status, 'acted');
  t.like(await E(auditor).names((await E(auditor).list())[0]!.room), {
    [malloryVat.id]: 'mallory',
  });

  // Lifting it is a logged action too, and says so in the room.
  const lifted = noticeFor(alice, 'unmute');
  await actOnCase(auditor, driver, {
    caseId: report.caseId,
    action: 'unmute',
    reason: 'she apologised',
  });
  t.regex((await lifted).notice!.reason, /^she apologised/);
  t.false(mallory.roster().find(m => m.vatId === malloryVat.id)!.muted);

  // A timed mute ends by itself: the host signs the unmute when the time is up.
  const ended = noticeFor(alice, 'unmute');
  await actOnCase(auditor, driver, {
    caseId: report.caseId,
    action: 'mute',
    reason: 'a short pause',
    duration: '1s',
  });
  t.is((await ended).notice!.reason, 'the mute ended');

  // Dismissed: the status says so, the log has it, the reporter learns it.
  const after = (await alice.outcomes(0, 0)).at(-1)!.entry;
  await E(auditor).dismiss(report.caseId, 'the watches were a joke');
  t.is((await E(auditor).list())[0]!.status, 'dismissed');
  const log = await E(auditor).log(0, 500);
  t.is(log.at(-1)!.kind, 'dismiss');
  t.like((await alice.outcomes(after, 0))[0], {
    action: 'dismiss',
    reason: 'the watches were a joke',
  });
  await t.throwsAsync(() => E(auditor).dismiss(report.caseId, '  '), {
    message: /\[bad-action\] a dismissal needs a statement of reasons/,
  });
  t.deepEqual(await mallory.outcomes(0, 0), [], 'mallory reported nothing: she learns nothing');
});
