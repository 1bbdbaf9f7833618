// Moderation: the operator runs the moderation service and hosts a room that
// reports to it; Alice presses the panic button on Mallory's line; Ana, an
// auditor holding an `act` capability, kicks Mallory. Her action is signed by
// her vat and logged before the room carries it out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createModeratedRoom,
  E,
  joinRoom,
  signAction,
  startModeration,
  startVat,
  verifyReceipt,
  type Receipt,
} from '../../index.js';

export const moderationExample = async (): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-moderation-'));
  const [operatorVat, aliceVat, malloryVat, anaVat] = await Promise.all(
    ['operator', 'alice', 'mallory', 'ana'].map(name => startVat({ dataDir: join(dir, name) })),
  );
  const mod = await startModeration(operatorVat, { archive: `sqlite:${join(dir, 'mod.db')}` });
  const room = await createModeratedRoom(operatorVat, {
    name: 'lobby',
    moderation: mod.reportInbox,
  });
  const alice = await joinRoom(aliceVat, room.invite, { name: 'alice' });
  const mallory = await joinRoom(malloryVat, room.invite, { name: 'mallory' });
  const seen: string[] = [];

  const abusive = new Promise<string>(resolve =>
    alice.on('message', m => m.name === 'mallory' && resolve(m.id)),
  );
  await mallory.say('send me your password or else');
  const result = (await alice.report({ category: 'threat', flagged: [await abusive] })) as {
    verdict: string;
    caseId: string;
    receipt: Receipt;
  };
  verifyReceipt(result.receipt, mod.operator); // the operator's key alone checks it
  seen.push(`report: ${result.verdict}, receipt for log entry ${result.receipt.index}`);

  const ana = await anaVat.fetch<{ act(signed: unknown): Receipt }>(
    mod.grant('act', { label: 'ana' }),
  );
  const gone = new Promise<string>(resolve => mallory.on('removed', r => resolve(r.reason)));
  const action = signAction(
    {
      caseId: result.caseId,
      room: room.room,
      action: 'kick',
      target: malloryVat.id,
      durationMs: 0,
      reason: 'threatening a member',
      auditor: anaVat.id,
    },
    m => anaVat.sign(m),
  );
  await E(ana).act(action);
  seen.push(`mallory: ${await gone}`);
  const names = alice.roster().map(m => m.name);
  seen.push(`roster: ${names.join(', ')}`);

  await mod.close();
  await Promise.all([operatorVat, aliceVat, malloryVat, anaVat].map(vat => vat.close()));
  rmSync(dir, { recursive: true, force: true }); // closed vats: their data can go
  return seen;
};
