// A moderated room whose roster three replicas hold, one of them signing two
// snapshots for each cseq: members report as in any room (their rosters
// certified by a majority), and the owner files what the cheater signed
// against itself with the moderation service, where an auditor finds it as a
// case against that replica and verifies it again from the log. Every party
// its own process.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fileURLToPath } from 'node:url';
import { childVat, roomVat, testVat } from '../helpers.js';

const MODERATION_VAT = fileURLToPath(new URL('../fixtures/moderation-vat.ts', import.meta.url));

interface Triage {
  list(): Array<{ caseId: string; room: string; accused: string[] }>;
  show(caseId: string): {
    reports: Array<{ reportId: string; category: string; reporter: string }>;
  };
  verify(reportId: string): { verdict: string; evidence?: { kind: string; replica: string } };
  checkpoint(): { checkpoint: string };
  awaitLog(size: number, waitMs: number): number;
}

test('a member reports; evidence against a double-signing replica reaches the moderation service as a case against it', async t => {
  const driver = await testVat(t);
  const moderation = await childVat(t, { program: MODERATION_VAT });
  const operator = await driver.fetch<{
    reportInbox(): string;
    grant(role: string, label: string): string;
  }>(String(moderation.ready.control));
  const inbox = await E(operator).reportInbox();
  const [owner, honest, cheater, alice, mallory, bob] = await Promise.all(
    Array.from({ length: 6 }, () => roomVat(t, driver)),
  );
  const { invite, replicaInvite, room } = await E(owner.control).createRoom('lobby', {
    replicas: 3,
    moderation: inbox,
  });
  const { invite: honestInvite } = await E(honest.control).serveReplica(replicaInvite!);
  await E(cheater.control).serveReplica(replicaInvite!, 'double');
  await E(alice.control).join(invite, 'alice');
  await E(bob.control).join(honestInvite, 'bob'); // through another replica than the owner's
  await E(mallory.control).join(invite, 'mallory');
  // Members report as in any moderated room, their roster certified by a majority.
  await E(mallory.control).say('you are all fools');
  await E(bob.control).waitFor('message', { text: 'you are all fools' }, 10_000);
  const fromBob = await E(bob.control).report('harassment', ['you are all fools']);
  t.is(fromBob.verdict, 'verified');
  await E(owner.control).ban(mallory.vatId, 0, 'spam');
  await E(mallory.control).waitFor('removed', {}, 10_000);

  const triage = await driver.fetch<Triage>(await E(operator).grant('triage', 'ana'));
  let found: { caseId: string; accused: string[] } | undefined;
  for (let look = 0; look < 20 && !found; look++) {
    found = (await E(triage).list()).find(
      c => c.room === room && c.accused.includes(cheater.vatId),
    );
    if (!found) {
      const size = JSON.parse((await E(triage).checkpoint()).checkpoint).size as number;
      await E(triage).awaitLog(size, 5_000);
    }
  }
  t.truthy(found, 'a case against the cheating replica');
  t.deepEqual(found!.accused, [cheater.vatId]);
  const [report] = (await E(triage).show(found!.caseId)).reports;
  t.like(report, { category: 'replica-misconduct', reporter: owner.vatId });
  const verified = await E(triage).verify(report!.reportId);
  t.is(verified.verdict, 'verified');
  t.like(verified.evidence, { kind: 'double-sign', replica: cheater.vatId });
  t.true(
    (await E(triage).list()).some(c => c.accused.includes(mallory.vatId)),
    "bob's report is a case against mallory",
  );
  t.false(
    (await E(triage).list()).some(c => c.accused.includes(honest.vatId)),
    'nothing against the honest replica',
  );
});
