// unum/host-store.ts: what a host keeps across restarts, per hosted unum: the
// last signed snapshot, so a host that returns with the same identity returns
// with the same roster, epoch and state.
import type { Vat } from '../vat/index.js';
import type { SignedSnapshot } from './snapshot.js';

const MIGRATIONS = harden(['CREATE TABLE IF NOT EXISTS unum_hosts (name TEXT PRIMARY KEY, snapshot TEXT NOT NULL, sig TEXT NOT NULL)']);

export interface HostStore {
  load(name: string): SignedSnapshot | undefined;
  save(name: string, signed: SignedSnapshot): void;
}

export const openHostStore = (vat: Pick<Vat, 'tables'>): HostStore => {
  const db = vat.tables('unum.host', MIGRATIONS);
  const get = db.prepare<{ snapshot: string; sig: string }>('SELECT snapshot, sig FROM unum_hosts WHERE name = ?');
  const put = db.prepare('INSERT OR REPLACE INTO unum_hosts (name, snapshot, sig) VALUES (?, ?, ?)');
  return harden({
    load: (name: string) => {
      const row = get.get(name);
      return row ? harden({ snapshot: row.snapshot, sig: row.sig }) : undefined;
    },
    save: (name: string, signed: SignedSnapshot) => void put.run(name, signed.snapshot, signed.sig),
  });
};
harden(openHostStore);
