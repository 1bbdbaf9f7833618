// The archive, on SQLite and on PostgreSQL (a throwaway cluster started from
// the installed binaries): append-only, receipts that verify, checkpoints that
// prove the log only grew, and tampering caught.
import test from '@endo/ses-ava/prepare-endo.js';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { openArchive, verifyGrowth, verifyReceipt } from '../../moderation/archive.js';
import { openArchiveStore } from '../../moderation/service.js';
import {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../harness/throwaway-postgres.js';
import { tempDir, testVat } from '../helpers.js';

let postgres: ThrowawayPostgres;
test.before(async () => {
  postgres = await startThrowawayPostgres();
});
test.after.always(() => postgres?.stop());

/** A fresh, empty archive location on each backend, and a way to edit a stored body behind the archive's back. */
const backends = {
  sqlite: async (t: Parameters<typeof tempDir>[0]) => {
    const path = join(tempDir(t), 'archive.db');
    return {
      spec: `sqlite:${path}`,
      editBody: async (index: number, body: string) => {
        const db = new Database(path);
        db.prepare('UPDATE archive_entries SET body = ? WHERE idx = ?').run(body, index);
        db.close();
      },
    };
  },
  postgres: async () => {
    const name = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const spec = postgres.url.replace(/\/postgres$/, `/${name}`);
    return {
      spec,
      editBody: async (index: number, body: string) => {
        const client = new pg.Client({ connectionString: spec });
        await client.connect();
        await client.query('UPDATE archive_entries SET body = $1 WHERE idx = $2', [body, index]);
        await client.end();
      },
    };
  },
};

for (const [backend, place] of Object.entries(backends)) {
  const setUp = async (t: Parameters<typeof testVat>[0]) => {
    const operator = await testVat(t);
    const { spec, editBody } = await place(t);
    const open = async () => openArchive(await openArchiveStore(spec), operator);
    return { operator, open, editBody };
  };

  test(`${backend}: each append returns a receipt anyone can check with the operator id alone`, async t => {
    const { operator, open } = await setUp(t);
    const archive = await open();
    t.teardown(() => archive.close());
    const body = { reportId: 'r1', category: 'spam' };
    const receipt = await archive.append('report', body);
    t.is(receipt.index, 0);
    t.like(verifyReceipt(receipt, operator.id, { kind: 'report', body }), {
      size: 1,
      operator: operator.id,
    });
    const second = await archive.append('verdict', { reportId: 'r1', verdict: 'verified' });
    t.like(verifyReceipt(second, operator.id), { size: 2 });
    t.throws(
      () =>
        verifyReceipt(receipt, operator.id, {
          kind: 'report',
          body: { ...body, category: 'other' },
        }),
      {
        message: /^\[bad-receipt\]/,
      },
    );
    const stranger = await testVat(t);
    t.throws(() => verifyReceipt(receipt, stranger.id), {
      message: /^\[bad-checkpoint\] signed by \w{8}, not by operator/,
    });
  });

  test(`${backend}: a saved checkpoint proves later that the log only grew`, async t => {
    const { operator, open } = await setUp(t);
    const archive = await open();
    t.teardown(() => archive.close());
    for (let i = 0; i < 5; i += 1) await archive.append('report', { n: i });
    const saved = archive.checkpoint();
    for (let i = 5; i < 13; i += 1) await archive.append('action', { n: i });
    t.notThrows(() =>
      verifyGrowth(saved, archive.checkpoint(), archive.consistency(5), operator.id),
    );
    t.throws(() => verifyGrowth(saved, archive.checkpoint(), archive.consistency(4), operator.id), {
      message: /^\[bad-proof\]/,
    });
  });

  test(`${backend}: the log survives a restart, and an edited row is caught when read`, async t => {
    const { open, editBody } = await setUp(t);
    const first = await open();
    await first.append('report', { reportId: 'r1', note: 'original' });
    await first.append('report', { reportId: 'r2', note: 'second' });
    const checkpoint = first.checkpoint();
    await first.close();
    await editBody(0, JSON.stringify({ note: 'rewritten', reportId: 'r1' }));
    const again = await open();
    t.teardown(() => again.close());
    t.is(again.size(), 2);
    t.is(
      JSON.parse(again.checkpoint().checkpoint).root,
      JSON.parse(checkpoint.checkpoint).root,
      'same tree',
    );
    await t.throwsAsync(again.entry(0), {
      message: '[tampered] archive entry 0 does not match its leaf in the log',
    });
    t.like(await again.entry(1), { kind: 'report' });
  });

  test(`${backend}: concurrent appends get consecutive indexes and each receipt verifies`, async t => {
    const { operator, open } = await setUp(t);
    const archive = await open();
    t.teardown(() => archive.close());
    const receipts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => archive.append('report', { i })),
    );
    t.deepEqual(
      receipts.map(r => r.index),
      Array.from({ length: 20 }, (_, i) => i),
    );
    for (const r of receipts) verifyReceipt(r, operator.id);
    t.pass();
  });
}

test('a bad archive location is one clear error that never echoes a password', async t => {
  await t.throwsAsync(openArchiveStore('mysql://x'), {
    message: '[bad-archive] an archive is sqlite:PATH or postgres://URL',
  });
  const error = await t.throwsAsync(openArchiveStore('postgres://stoa:s3cret@127.0.0.1:1/none'));
  t.regex(
    error!.message,
    /^\[bad-archive\] cannot open the PostgreSQL archive at postgres:\/\/…@127\.0\.0\.1:1\/none/,
  );
  t.false(error!.message.includes('s3cret'));
});
