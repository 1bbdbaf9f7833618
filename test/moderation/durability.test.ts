// Nothing acknowledged is lost: the moderation service is SIGKILLed while
// reports stream in; after a restart every receipted report is in the log at
// its index, and the log is consistent with every checkpoint handed out.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { verifyGrowth, type Receipt, type SignedCheckpoint } from '../../moderation/index.js';
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

test('SIGKILL while reports stream in loses no receipted report and leaves the log consistent', async t => {
  const dataDir = tempDir(t);
  const args = ['--report-burst', '1000'];
  const operator = await childVat(t, { program: MODERATION_VAT, dataDir, args });
  const driver = await testVat(t);
  const control = await driver.fetch<Control>(String(operator.ready.control));
  const invite = await E(control).invite();
  const { alice, line } = await aliceHearsMallory(t, invite, 'abuse');

  const receipts: Receipt[] = [];
  const killAfter = 5 + Math.floor(Math.random() * 20);
  let killed = false;
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
        }
      } catch {
        return; // the service is gone
      }
    }
  };
  await Promise.all([reporter(), reporter(), reporter()]);
  t.true(killed, 'the service was killed mid-stream');
  t.true(receipts.length >= killAfter);

  const again = await childVat(t, {
    program: MODERATION_VAT,
    dataDir,
    args,
    listen: operator.address,
  });
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
  t.log(`${receipts.length} receipts before the kill; all present and consistent after restart`);
});
