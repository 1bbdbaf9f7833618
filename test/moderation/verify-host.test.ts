// An auditor's verify checks a report against the host that registered its
// room with this service, never against a host the report names itself: a
// report whose roster Mallory signed with her own key stays rejected, also
// for a service that no longer knows the room (its tables lost, its archive
// kept). Vats share this process.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { join } from 'node:path';
import { chatRoom, joinUnum, signSnapshot, type Snapshot } from '../../unum/index.js';
import {
  createModeratedRoom,
  sealReport,
  startModeration,
  type AuditorFacet,
  type SignedReport,
} from '../../moderation/index.js';
import { tempDir, testVat } from '../helpers.js';

test('verify refuses a room whose host this service does not know, instead of trusting the report', async t => {
  const archive = `sqlite:${join(tempDir(t), 'mod.db')}`;
  const [operatorVat, hostVat, malloryVat, auditorVat] = await Promise.all([
    testVat(t),
    testVat(t),
    testVat(t),
    testVat(t),
  ]);
  const mod = await startModeration(operatorVat, { archive });
  const room = await createModeratedRoom(hostVat, { name: 'lobby', moderation: mod.reportInbox });
  t.teardown(() => room.close());
  const mallory = await joinUnum(malloryVat, chatRoom, room.invite, { name: 'mallory' });
  t.teardown(() => mallory.close());
  // Her own "roster" for the room, signed by her, naming herself as its host.
  const forged = JSON.parse(mallory.signedSnapshot().snapshot) as Snapshot;
  const roster = signSnapshot({ ...forged, host: malloryVat.id }, m => malloryVat.sign(m));
  const report = sealReport(
    {
      room: mallory.room,
      epoch: forged.epoch,
      reporter: malloryVat.id,
      accused: [],
      category: 'spam',
      trigger: { kind: 'panic' },
      flagged: [],
      window: [],
      roster,
    },
    m => malloryVat.sign(m),
  );
  const facet = await malloryVat.redeem<{
    submit(r: SignedReport): { verdict: string; caseId: string };
  }>(mallory.services().report!);
  t.is((await E(facet).submit(report)).verdict, 'rejected');
  await mod.close();

  const again = await startModeration(await testVat(t), { archive }); // the same archive, none of the tables
  const auditor = await auditorVat.fetch<AuditorFacet>(again.grant('triage', { label: 'tess' }));
  const [only] = await E(auditor).list();
  const { reports } = await E(auditor).show(only!.caseId);
  await t.throwsAsync(E(auditor).verify(reports[0]!.reportId), {
    message: /^\[unknown-room\] no room "lobby~[\w-]+" is registered with this moderation service$/,
  });
  await again.close();
});
