// vat/store.ts: the vat's embedded SQLite database (`<dataDir>/vat.db`).
// WAL with synchronous=FULL: a write that returned survives a crash, which is
// the promise "nothing the vat acknowledged is lost". Layers above keep their
// own tables in it through `tables(owner, migrations)` (tables.ts) and never
// hold the database itself.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, openSync } from 'node:fs';
import { nextStep } from './data-dir-errors.js';
import { join } from 'node:path';
import { makeTables, migrate, type Tables, type TablesOptions } from './tables.js';

export interface VatStore {
  /** The swissnum a named export was bound to, if it was. */
  namedExport(name: string): string | undefined;
  bindNamedExport(name: string, swissnum: string): void;
  unbindNamedExport(name: string): void;
  setting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
  /** `owner`'s tables, after its pending migrations ran (tables.ts). */
  tables(owner: string, migrations: readonly string[], opts?: TablesOptions): Tables;
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

/** The vat's own tables: named exports (they hold swissnums) and settings. */
const VAT_MIGRATIONS = harden([
  `CREATE TABLE IF NOT EXISTS named_exports (name TEXT PRIMARY KEY, swissnum TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
]);

export const openStore = (dataDir: string): VatStore => {
  const path = join(dataDir, 'vat.db');
  let db: Database.Database;
  try {
    db = openSqliteFile(path, 'FULL');
    migrate(db, 'vat', VAT_MIGRATIONS, path);
  } catch (error) {
    if ((error as Error).message.startsWith('[bad-data-dir]')) throw error;
    throw Error(
      `[bad-data-dir] cannot open the vat database in ${dataDir}: ${(error as Error).message}. ${nextStep(error as NodeJS.ErrnoException)}`,
    );
  }
  /** A second connection for `process-crash` tables, opened when first asked for. */
  let relaxed: Database.Database | undefined;
  const connection = (durability: TablesOptions['durability'] = 'power-cut') => {
    if (durability === 'power-cut') return db;
    relaxed ??= openSqliteFile(path, 'NORMAL');
    return relaxed;
  };
  const getExport = db.prepare<[string], { swissnum: string }>(
    'SELECT swissnum FROM named_exports WHERE name = ?',
  );
  const putExport = db.prepare(
    'INSERT OR REPLACE INTO named_exports (name, swissnum) VALUES (?, ?)',
  );
  const delExport = db.prepare('DELETE FROM named_exports WHERE name = ?');
  const getSetting = db.prepare<[string], { value: string }>(
    'SELECT value FROM settings WHERE key = ?',
  );
  const putSetting = db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
  /** What table owners that queue writes run just before the connections close. */
  const beforeClose = new Set<() => void>();
  return harden({
    namedExport: (name: string) => getExport.get(name)?.swissnum,
    bindNamedExport: (name: string, swissnum: string) => void putExport.run(name, swissnum),
    unbindNamedExport: (name: string) => void delExport.run(name),
    setting: (key: string) => getSetting.get(key)?.value,
    setSetting: (key: string, value: string) => void putSetting.run(key, value),
    tables(owner: string, migrations: readonly string[], opts: TablesOptions = {}) {
      const conn = connection(opts.durability);
      const version = migrate(conn, owner, migrations, path);
      return makeTables(conn, owner, version, beforeClose);
    },
    close: () => {
      for (const hook of beforeClose) hook();
      beforeClose.clear();
      relaxed?.close();
      db.close();
    },
  });
};
harden(openStore);
