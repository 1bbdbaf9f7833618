// vat/tables.ts: how a layer keeps its own tables in the vat's store without
// holding the database itself. Each owner (a module such as `presence.window`)
// names its tables' migrations: SQL steps numbered from 1, run in order at
// open, each in its own transaction with the owner's schema version recorded
// beside it (table `schema_versions`), so a data directory written by an older
// Stoa is brought up to date and one written by a newer Stoa is refused
// rather than misread.
import type Database from 'better-sqlite3';

/**
 * How much a write that returned survives: `power-cut` (synchronous=FULL, the
 * default: whatever a capability, sanction or receipt depends on) or
 * `process-crash` (synchronous=NORMAL: survives the process being killed at
 * any moment, not the machine losing power just after; for data other vats
 * also hold, where a sync per write would block the event loop on the disk).
 */
export type Durability = 'power-cut' | 'process-crash';

export interface Statement<Row> {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
}

export interface Tables {
  /** Whose tables these are, e.g. `presence.window`. */
  readonly owner: string;
  /** The schema version after the migrations ran (the number of migrations). */
  readonly version: number;
  /** A prepared statement on this owner's connection; prepare once, run often. */
  prepare<Row = Record<string, unknown>>(sql: string): Statement<Row>;
  /** Runs `work` in one transaction (a nested call joins the outer one). Throwing rolls it back. */
  atomically<T>(work: () => T): T;
  /** Runs `hook` once, just before the store closes (an owner that queues writes writes them then); returns a function that cancels it. */
  beforeClose(hook: () => void): () => void;
}

export interface TablesOptions {
  durability?: Durability;
}

const OWNER_RE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

export const SCHEMA_VERSIONS_SQL =
  'CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)';

/** Runs `owner`'s pending migrations on `db`; returns the version reached. Throws `[bad-data-dir]`. */
export const migrate = (
  db: Database.Database,
  owner: string,
  migrations: readonly string[],
  where: string,
): number => {
  if (!OWNER_RE.test(owner))
    throw Error(
      `[bad-option] a table owner is a dotted lower-case name such as presence.window, not ${JSON.stringify(owner)}`,
    );
  db.exec(SCHEMA_VERSIONS_SQL);
  const row = db
    .prepare<[string], { version: number }>('SELECT version FROM schema_versions WHERE owner = ?')
    .get(owner);
  const at = row?.version ?? 0;
  if (at > migrations.length) {
    throw Error(
      `[bad-data-dir] the ${owner} tables in ${where} are at schema version ${at}, but this Stoa knows only up to ${migrations.length}: a newer Stoa wrote them; run that version`,
    );
  }
  const record = db.prepare(
    'INSERT OR REPLACE INTO schema_versions (owner, version) VALUES (?, ?)',
  );
  for (let version = at + 1; version <= migrations.length; version += 1) {
    try {
      db.transaction(() => {
        db.exec(migrations[version - 1]!);
        record.run(owner, version);
      })();
    } catch (error) {
      throw Error(
        `[bad-data-dir] migration ${version} of the ${owner} tables in ${where} failed: ${(error as Error).message}`,
      );
    }
  }
  return migrations.length;
};
harden(migrate);

/** The owner's view of one connection: statements and transactions, never the handle. */
export const makeTables = (
  db: Database.Database,
  owner: string,
  version: number,
  closing: Set<() => void>,
): Tables => {
  // One transaction function for every call: making one per call cost more
  // than the commit (it nests as a savepoint inside another, as before).
  const transaction = db.transaction((work: () => unknown) => work());
  return harden({
    owner,
    version,
    prepare<Row>(sql: string): Statement<Row> {
      const statement = db.prepare(sql);
      return harden({
        run: (...params: unknown[]) => {
          const { changes } = statement.run(...params);
          return harden({ changes });
        },
        get: (...params: unknown[]) => statement.get(...params) as Row | undefined,
        all: (...params: unknown[]) => statement.all(...params) as Row[],
      });
    },
    atomically: <T>(work: () => T): T => transaction(work) as T,
    beforeClose(hook: () => void) {
      closing.add(hook);
      return () => {
        closing.delete(hook);
      };
    },
  });
};
harden(makeTables);
