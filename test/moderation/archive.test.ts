// The archive: append-only, receipts that verify, checkpoints that prove the
// log only grew, and tampering caught.
import test from '@endo/ses-ava/prepare-endo.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openArchive, verifyGrowth, verifyReceipt } from '../../demo-community/moderation/archive.js';
import { openSqliteArchiveStore } from '../../demo-community/moderation/sqlite-archive-store.js';
import { tempDir, testVat } from '../helpers.js';

const setUp = async (t: Parameters<typeof testVat>[0]) => {
  const operator = await testVat(t);
  const path = join(tempDir(t), 'archive.db');
  const open = () => openArchive(openSqliteArchiveStore(path), operator);
  return { operator, path, open };
};

test('each append returns a receipt anyone can check with the operator id alone', async t => {
  const { operator, open } = await setUp(t);
  const archive = await open();
  t.teardown(() => archive.close());
  const body = { reportId: 'r1', category: 'spam' };
  const receipt = await archive.append('report', body);
  t.is(receipt.index, 0);
  t.like(verifyReceipt(receipt, operator.id, { kind: 'report', body }), { size: 1, operator: operator.id });
  const second = await archive.append('verdict', { reportId: 'r1', verdict: 'verified' });
  t.like(verifyReceipt(second, operator.id), { size: 2 });
  t.throws(() => verifyReceipt(receipt, operator.id, { kind: 'report', body: { ...body, category: 'other' } }), { message: /^\[bad-receipt\]/ });
  const stranger = await testVat(t);
  t.throws(() => verifyReceipt(receipt, stranger.id), { message: /^\[bad-checkpoint\] signed by \w{8}, not by operator/ });
});

test('a saved checkpoint proves later that the log only grew', async t => {
  const { operator, open } = await setUp(t);
  const archive = await open();
  t.teardown(() => archive.close());
  for (let i = 0; i < 5; i += 1) await archive.append('report', { n: i });
  const saved = archive.checkpoint();
  for (let i = 5; i < 13; i += 1) await archive.append('action', { n: i });
  t.notThrows(() => verifyGrowth(saved, archive.checkpoint(), archive.consistency(5), operator.id));
  t.throws(() => verifyGrowth(saved, archive.checkpoint(), archive.consistency(4), operator.id), { message: /^\[bad-proof\]/ });
});

test('the log survives a restart, and an edited row is caught when read', async t => {
  const { open, path } = await setUp(t);
  const first = await open();
  await first.append('report', { reportId: 'r1', note: 'original' });
  await first.append('report', { reportId: 'r2', note: 'second' });
  const checkpoint = first.checkpoint();
  await first.close();
  const edit = new Database(path);
  edit.prepare("UPDATE archive_entries SET body = ? WHERE idx = 0").run(JSON.stringify({ note: 'rewritten', reportId: 'r1' }));
  edit.close();
  const again = await open();
  t.teardown(() => again.close());
  t.is(again.size(), 2);
  t.is(JSON.parse(again.checkpoint().checkpoint).root, JSON.parse(checkpoint.checkpoint).root, 'same tree');
  await t.throwsAsync(again.entry(0), { message: '[tampered] archive entry 0 does not match its leaf in the log' });
  t.like(await again.entry(1), { kind: 'report' });
});
