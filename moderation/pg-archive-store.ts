// moderation/pg-archive-store.ts: the archive in PostgreSQL,
// for operators who outgrow one machine. Same append-only table as SQLite;
// each append is its own committed transaction (synchronous_commit on, the
// server default), so it is durable when the promise resolves.
import pg from 'pg';
import type { ArchiveStore, StoredEntry } from './archive-store.js';

export const openPgArchiveStore = async (url: string): Promise<ArchiveStore> => {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {}); // an idle client's error: the next query reports it
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS archive_entries (
      idx BIGINT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, leaf TEXT NOT NULL, created_at BIGINT NOT NULL)`);
  } catch (error) {
    await pool.end();
    const where = url.replace(/\/\/[^@/]*@/, '//…@'); // never echo a password
    throw Error(
      `[bad-archive] cannot open the PostgreSQL archive at ${where}: ${(error as Error).message}`,
    );
  }
  type Row = { idx: string; kind: string; body: string; leaf: string; created_at: string };
  const toEntry = (r: Row): StoredEntry =>
    harden({
      index: Number(r.idx),
      kind: r.kind,
      body: r.body,
      leaf: r.leaf,
      createdAt: Number(r.created_at),
    });
  return harden({
    append: async (e: StoredEntry) => {
      await pool.query(
        'INSERT INTO archive_entries (idx, kind, body, leaf, created_at) VALUES ($1, $2, $3, $4, $5)',
        [e.index, e.kind, e.body, e.leaf, e.createdAt],
      );
    },
    leaves: async () =>
      (
        await pool.query<{ leaf: string }>('SELECT leaf FROM archive_entries ORDER BY idx')
      ).rows.map(r => r.leaf),
    entry: async (index: number) => {
      const { rows } = await pool.query<Row>('SELECT * FROM archive_entries WHERE idx = $1', [
        index,
      ]);
      return rows[0] ? toEntry(rows[0]) : undefined;
    },
    list: async (kind: string, limit: number) =>
      (
        await pool.query<Row>(
          'SELECT * FROM archive_entries WHERE kind = $1 ORDER BY idx DESC LIMIT $2',
          [kind, limit],
        )
      ).rows.map(toEntry),
    close: async () => {
      await pool.end();
    },
  });
};
harden(openPgArchiveStore);
