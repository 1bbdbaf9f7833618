// vat/store.ts: the vat's embedded SQLite database (`<dataDir>/vat.db`).
// WAL with synchronous=FULL: a write that returned survives a crash, which is
// the promise "nothing the vat acknowledged is lost". Later layers add their
// own tables through `db`.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

export interface VatStore {
  /** The swissnum a named export was bound to, if it was. */
  namedExport(name: string): string | undefined;
  bindNamedExport(name: string, swissnum: string): void;
  unbindNamedExport(name: string): void;
  setting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
  /** The database itself, for layers that keep their own tables (a function: harden must not freeze it). */
  database(): Database.Database;
  close(): void;
}

/**
 * Opens (or creates) an SQLite file readable by its owner only (SQLite gives
 * its -wal and -shm files the same mode), in WAL mode. `FULL` makes a commit
 * survive a power cut; `NORMAL` survives a killed process only.
 */
export const openSqliteFile = (path: string, synchronous: 'FULL' | 'NORMAL'): Database.Database => {
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  return db;
};
harden(openSqliteFile);

export const openStore = (dataDir: string): VatStore => {
  let db: Database.Database;
  try {
    // It holds swissnums.
    db = openSqliteFile(join(dataDir, 'vat.db'), 'FULL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS named_exports (name TEXT PRIMARY KEY, swissnum TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  } catch (error) {
    throw Error(`[bad-data-dir] cannot open the vat database in ${dataDir}: ${(error as Error).message}`);
  }
  const getExport = db.prepare<[string], { swissnum: string }>('SELECT swissnum FROM named_exports WHERE name = ?');
  const putExport = db.prepare('INSERT OR REPLACE INTO named_exports (name, swissnum) VALUES (?, ?)');
  const delExport = db.prepare('DELETE FROM named_exports WHERE name = ?');
  const getSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putSetting = db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
  return harden({
    namedExport: (name: string) => getExport.get(name)?.swissnum,
    bindNamedExport: (name: string, swissnum: string) => void putExport.run(name, swissnum),
    unbindNamedExport: (name: string) => void delExport.run(name),
    setting: (key: string) => getSetting.get(key)?.value,
    setSetting: (key: string, value: string) => void putSetting.run(key, value),
    database: () => db,
    close: () => db.close(),
  });
};
harden(openStore);
