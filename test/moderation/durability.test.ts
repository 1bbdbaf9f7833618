// Nothing acknowledged is lost: the moderation service is SIGKILLed while
// reports stream in; after a restart every receipted report is in the log at
// its index, the log is consistent with every checkpoint handed out, and the
// room still takes reports and joins. On SQLite and on PostgreSQL. The kill
// point is drawn from a seed the test prints (STOA_KILL_SEED replays it).
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { verifyGrowth, type Receipt, type SignedCheckpoint } from '../../moderation/index.js';
import { joinRoom } from '../../index.js';
import {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../harness/throwaway-postgres.js';
import { aliceHearsMallory, childVat, tempDir, testVat } from '../helpers.js';
import { fileURLToPath } from 'node:url';

const MODERATION_VAT = fileURLToPath(new URL('../fixtures/moderation-vat.ts', import.meta.url));

interface Control {
  invite(): string;
  operator(): string;
  checkpoint(): SignedCheckpoint;
  consistency(size1: number): string[];
  entry(index: number): { kind: string; leaf: string } | undefined;
}

let postgres: ThrowawayPostgres | undefined;
test.after.always(() => postgres?.stop());

const killDuringReports =
  (backend: 'sqlite' | 'postgres') => async (t: import('ava').ExecutionContext) => {
    const dataDir = tempDir(t);
    const args = ['--report-burst', '1000'];
    if (backend === 'postgres') {
      postgres ??= await startThrowawayPostgres();
      args.push('--archive', postgres.url);
    }
    const operator = await childVat(t, { program: MODERATION_VAT, dataDir, args });
    const driver = await testVat(t);
    const control = await driver.fetch<Control>(String(operator.ready.control));
    const invite = await E(control).invite();
    const { alice, line } = await aliceHearsMallory(t, invite, 'abuse');

    const receipts: Receipt[] = [];
    const seed = Number(process.env.STOA_KILL_SEED ?? Date.now() % 10_000);
    const killAfter = 5 + (seed % 20);
    t.log(`kill after ${killAfter} receipts (STOA_KILL_SEED=${seed})`);
    let killed = false;
    let sayKilled = () => {};
    const wasKilled = new Promise<void>(resolve => (sayKilled = resolve));
    const reporter = async () => {
      for (let i = 0; i < 200 && !killed; i += 1) {
        try {
          const { receipt } = (await alice.report({
            category: 'spam',
            note: `report ${i}`,
            flagged: [line.id],
          })) as { receipt: Receipt };
          receipts.push(receipt);
          if (receipts.length >= killAfter && !killed) {
            killed = true;
            await operator.kill(); // reports from the other reporters are still in flight
            sayKilled();
          }
        } catch {
          return; // the service is gone
        }
      }
    };
    // Reports in flight at the kill wait for the service to come back (or fail): restart it meanwhile.
    const reporting = Promise.all([reporter(), reporter(), reporter()]);
    await Promise.race([wasKilled, reporting]);
    t.true(killed, 'the service was killed mid-stream');
    t.true(receipts.length >= killAfter);

    const again = await childVat(t, {
      program: MODERATION_VAT,
      dataDir,
      args,
      listen: operator.address,
    });
    await reporting;
    const control2 = await driver.fetch<Control>(String(again.ready.control));
    const now = await E(control2).checkpoint();
    for (const receipt of receipts) {
      t.like(
        await E(control2).entry(receipt.index),
        { kind: 'report', leaf: receipt.leaf },
        `receipted entry ${receipt.index} survived`,
      );
      const size = JSON.parse(receipt.checkpoint.checkpoint).size as number;
      verifyGrowth(
        receipt.checkpoint,
        now,
        await E(control2).consistency(size),
        String(await E(control2).operator()),
      );
    }
    t.log(
      `${receipts.length} receipts (with reports in flight at the kill, answered after the restart); all present and consistent`,
    );

    const after = (await alice.report({ category: 'spam', flagged: [line.id] })) as {
      verdict: string;
    };
    t.is(after.verdict, 'verified', 'the room takes reports again');
    const carolVat = await testVat(t);
    const carol = await joinRoom(carolVat, invite, { name: 'carol' });
    t.teardown(() => carol.close());
    t.true(
      carol.roster().some(m => m.name === 'alice'),
      'and joins',
    );
  };

test.serial(
  'SIGKILL while reports stream in loses no receipted report (SQLite)',
  killDuringReports('sqlite'),
);
test.serial(
  'SIGKILL while reports stream in loses no receipted report (PostgreSQL)',
  killDuringReports('postgres'),
);
