// unum/quorum/replica-tables.ts: what a replica vat keeps per room it serves
// (docs/protocol.md §4.9.5): the newest certified state, its own timeslot
// counter and its own signature per cseq (so a restart never signs a second
// text for one), and for the owner the size the replica set is to reach.
import type { Vat } from '../../vat/index.js';
import type { CertifiedSnapshot } from './certified.js';
import type { ReplicaStore } from './replica-core.js';

const MIGRATIONS = harden([
  `CREATE TABLE IF NOT EXISTS quorum_rooms (room TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,
     certified TEXT NOT NULL, slot_seq INTEGER NOT NULL DEFAULT 0, slot_ts INTEGER NOT NULL DEFAULT 0,
     target INTEGER);
   CREATE TABLE IF NOT EXISTS quorum_own (room TEXT NOT NULL, cseq INTEGER NOT NULL, snapshot TEXT NOT NULL,
     sig TEXT NOT NULL, PRIMARY KEY (room, cseq))`,
]);
/** Own signatures kept per room: enough that a restart cannot reach an older cseq than these. */
const OWN_KEPT = 64;

export interface ServedRoom {
  room: string;
  name: string;
  type: string;
  certified: CertifiedSnapshot;
  slot: { seq: number; ts: number };
  /** The owner's: how many replicas the set is to have. */
  target?: number;
}

export interface ReplicaTables {
  load(room: string): ServedRoom | undefined;
  /** The room this vat serves under `name` as its owner, if any. */
  ownedByName(name: string): ServedRoom | undefined;
  rooms(): ServedRoom[];
  create(room: ServedRoom): void;
  storeFor(room: string): ReplicaStore;
  /** Runs `hook` just before the vat's store closes; returns the function that cancels it. */
  beforeClose(hook: () => void): () => void;
}

export const openReplicaTables = (vat: Pick<Vat, 'tables'>): ReplicaTables => {
  const db = vat.tables('unum.quorum', MIGRATIONS);
  type Row = {
    room: string;
    name: string;
    type: string;
    certified: string;
    slot_seq: number;
    slot_ts: number;
    target: number | null;
  };
  const toRoom = (row: Row | undefined): ServedRoom | undefined =>
    row &&
    harden({
      room: row.room,
      name: row.name,
      type: row.type,
      certified: harden(JSON.parse(row.certified)),
      slot: { seq: row.slot_seq, ts: row.slot_ts },
      ...(row.target === null ? {} : { target: row.target }),
    });
  const get = db.prepare<Row>('SELECT * FROM quorum_rooms WHERE room = ?');
  const byName = db.prepare<Row>(
    'SELECT * FROM quorum_rooms WHERE name = ? AND target IS NOT NULL',
  );
  const all = db.prepare<Row>('SELECT * FROM quorum_rooms ORDER BY name');
  const insert = db.prepare(
    'INSERT INTO quorum_rooms (room, name, type, certified, slot_seq, slot_ts, target) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const putCertified = db.prepare('UPDATE quorum_rooms SET certified = ? WHERE room = ?');
  const putSlot = db.prepare('UPDATE quorum_rooms SET slot_seq = ?, slot_ts = ? WHERE room = ?');
  const putOwn = db.prepare(
    'INSERT OR REPLACE INTO quorum_own (room, cseq, snapshot, sig) VALUES (?, ?, ?, ?)',
  );
  const dropOwn = db.prepare('DELETE FROM quorum_own WHERE room = ? AND cseq < ?');
  const getOwn = db.prepare<{ snapshot: string; sig: string }>(
    'SELECT snapshot, sig FROM quorum_own WHERE room = ? AND cseq = ?',
  );
  return harden({
    beforeClose: (hook: () => void) => db.beforeClose(hook),
    load: (room: string) => toRoom(get.get(room)),
    ownedByName: (name: string) => toRoom(byName.get(name)),
    rooms: () => all.all().map(row => toRoom(row)!),
    create(r: ServedRoom) {
      insert.run(
        r.room,
        r.name,
        r.type,
        JSON.stringify(r.certified),
        r.slot.seq,
        r.slot.ts,
        r.target ?? null,
      );
    },
    storeFor: (room: string): ReplicaStore =>
      harden({
        saveCertified: (c: CertifiedSnapshot) => void putCertified.run(JSON.stringify(c), room),
        saveOwn(cseq: number, statement: { snapshot: string; sig: string }) {
          putOwn.run(room, cseq, statement.snapshot, statement.sig);
          dropOwn.run(room, cseq - OWN_KEPT);
        },
        ownAt: (cseq: number) => {
          const row = getOwn.get(room, cseq);
          return row && harden({ snapshot: row.snapshot, sig: row.sig });
        },
        saveSlot: (seq: number, ts: number) => void putSlot.run(seq, ts, room),
      }),
  });
};
harden(openReplicaTables);
