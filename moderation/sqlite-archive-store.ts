// moderation/sqlite-archive-store.ts: the archive in an
// embedded SQLite file (the default). WAL with synchronous=FULL: an append
// that returned survives a crash of the process or the machine.
import type Database from 'better-sqlite3';
import { openSqliteFile } from '../vat/index.js';
import type { ArchiveStore, StoredEntry } from './archive-store.js';

export const openSqliteArchiveStore = (path: string): ArchiveStore => {
  let db: Database.Database;
  try {
    db = openSqliteFile(path, 'FULL');
    db.exec(`CREATE TABLE IF NOT EXISTS archive_entries (
      idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, leaf TEXT NOT NULL, created_at INTEGER NOT NULL)`);
  } catch (error) {
    throw Error(
      `[bad-archive] cannot open the SQLite archive ${path}: ${(error as Error).message}`,
    );
  }
  const insert = db.prepare(
    'INSERT INTO archive_entries (idx, kind, body, leaf, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const leaves = db.prepare<[], { leaf: string }>('SELECT leaf FROM archive_entries ORDER BY idx');
  type Row = { idx: number; kind: string; body: string; leaf: string; created_at: number };
  const one = db.prepare<[number], Row>('SELECT * FROM archive_entries WHERE idx = ?');
  const byKind = db.prepare<[string, number], Row>(
    'SELECT * FROM archive_entries WHERE kind = ? ORDER BY idx DESC LIMIT ?',
  );
  const toEntry = (r: Row): StoredEntry =>
    harden({ index: r.idx, kind: r.kind, body: r.body, leaf: r.leaf, createdAt: r.created_at });
  return harden({
    append: async (e: StoredEntry) => {
      insert.run(e.index, e.kind, e.body, e.leaf, e.createdAt);
    },
    leaves: async () => leaves.all().map(r => r.leaf),
    entry: async (index: number) => {
      const row = one.get(index);
      return row ? toEntry(row) : undefined;
    },
    list: async (kind: string, limit: number) => byKind.all(kind, limit).map(toEntry),
    close: async () => {
      db.close();
    },
  });
};
harden(openSqliteArchiveStore);
