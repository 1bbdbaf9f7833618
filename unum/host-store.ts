// unum/host-store.ts: what a host keeps across restarts, per hosted unum: the
// last signed snapshot, so a host that returns with the same identity returns
// with the same roster, epoch and state, and the room's capacity and whether
// it admits members (set through the admin facet; not part of the signed state).
import type { Vat } from '../vat/index.js';
import type { SignedSnapshot } from './snapshot.js';

const MIGRATIONS = harden([
  'CREATE TABLE IF NOT EXISTS unum_hosts (name TEXT PRIMARY KEY, snapshot TEXT NOT NULL, sig TEXT NOT NULL)',
  'ALTER TABLE unum_hosts ADD COLUMN capacity INTEGER; ALTER TABLE unum_hosts ADD COLUMN open INTEGER NOT NULL DEFAULT 1',
  'CREATE TABLE IF NOT EXISTS unum_removed (name TEXT NOT NULL, vat_id TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (name, vat_id))',
]);

export interface HostedRecord {
  signed: SignedSnapshot;
  /** Set once the admin facet changed it; else the room takes its option or the default. */
  capacity?: number;
  open: boolean;
}

export interface HostStore {
  load(name: string): HostedRecord | undefined;
  save(name: string, signed: SignedSnapshot): void;
  saveCapacity(name: string, capacity: number): void;
  saveOpen(name: string, open: boolean): void;
  /** Members removed on purpose (kicked, banned), so their reconnect loop cannot bring them back. */
  removal(name: string, vatId: string): string | undefined;
  saveRemoval(name: string, vatId: string, reason: string): void;
  dropRemoval(name: string, vatId: string): void;
}

export const openHostStore = (vat: Pick<Vat, 'tables'>): HostStore => {
  const db = vat.tables('unum.host', MIGRATIONS);
  const get = db.prepare<{ snapshot: string; sig: string; capacity: number | null; open: number }>(
    'SELECT snapshot, sig, capacity, open FROM unum_hosts WHERE name = ?',
  );
  const put = db.prepare(
    'INSERT INTO unum_hosts (name, snapshot, sig) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET snapshot = excluded.snapshot, sig = excluded.sig',
  );
  const putCapacity = db.prepare('UPDATE unum_hosts SET capacity = ? WHERE name = ?');
  const putOpen = db.prepare('UPDATE unum_hosts SET open = ? WHERE name = ?');
  const getRemoval = db.prepare<{ reason: string }>(
    'SELECT reason FROM unum_removed WHERE name = ? AND vat_id = ?',
  );
  const putRemoval = db.prepare(
    'INSERT OR REPLACE INTO unum_removed (name, vat_id, reason) VALUES (?, ?, ?)',
  );
  const delRemoval = db.prepare('DELETE FROM unum_removed WHERE name = ? AND vat_id = ?');
  return harden({
    load: (name: string) => {
      const row = get.get(name);
      if (!row) return undefined;
      return harden({
        signed: harden({ snapshot: row.snapshot, sig: row.sig }),
        ...(row.capacity === null ? {} : { capacity: row.capacity }),
        open: row.open === 1,
      });
    },
    save: (name: string, signed: SignedSnapshot) => void put.run(name, signed.snapshot, signed.sig),
    saveCapacity: (name: string, capacity: number) => void putCapacity.run(capacity, name),
    saveOpen: (name: string, open: boolean) => void putOpen.run(open ? 1 : 0, name),
    removal: (name: string, vatId: string) => getRemoval.get(name, vatId)?.reason,
    saveRemoval: (name: string, vatId: string, reason: string) =>
      void putRemoval.run(name, vatId, reason),
    dropRemoval: (name: string, vatId: string) => void delRemoval.run(name, vatId),
  });
};
harden(openHostStore);
