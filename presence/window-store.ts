// presence/window-store.ts: the presence tables in the vat's SQLite database:
// each room's window of verified envelopes, and the last envelope accepted on
// every stream (our own included, so a restarted vat continues its chains
// instead of reusing sequence numbers, which peers would see as equivocation).
//
// Its durability is `process-crash` (vat/tables.ts): a commit survives the
// process being killed at any moment, but not the machine losing power in the
// instant after. For windows that is the right trade: a FULL sync per
// delivered batch blocks the event loop on the disk, and every envelope is
// also held by the other members who received it.
//
// Writes are queued and written together by `flush`, one transaction for all
// of them: the presence flushes before anything that acknowledges an envelope
// or hands one of ours out leaves the vat (a delivery, which carries
// acknowledgements; a heads, history or recent answer), and at least once
// per ackDelayMs. So what a peer was told we took is on disk first, our own chain
// heads are on disk before any peer can see the envelope that moved them, and
// a room that receives a line a second from each of many members commits
// about once a second instead of once per line.
import type { Vat } from '../vat/index.js';
import type { WireEnvelope } from './envelope.js';

export interface StoredEnvelope {
  wire: WireEnvelope;
  receivedAt: number;
}

export interface StreamRecord {
  author: string;
  stream: string;
  seq: number;
  id: string;
}

export interface WindowStore {
  /** Queues envelopes and stream heads to save. */
  save(
    room: string,
    envelopes: Array<{ id: string; wire: WireEnvelope; receivedAt: number }>,
    heads: StreamRecord[],
  ): void;
  /** Queues envelopes to forget. */
  forget(room: string, ids: string[]): void;
  /** Writes what is queued, in order, in one transaction; on failure it stays queued and the error is thrown. */
  flush(): void;
  /** Flushes, and no longer waits for the vat's store to close (the presence closed). */
  close(): void;
  load(room: string): { envelopes: StoredEnvelope[]; heads: StreamRecord[] };
}

const MIGRATIONS = harden([
  `CREATE TABLE IF NOT EXISTS presence_window (
     room TEXT NOT NULL, id TEXT NOT NULL, n INTEGER NOT NULL,
     header TEXT NOT NULL, sig TEXT NOT NULL, content TEXT, salt TEXT, received_at INTEGER NOT NULL,
     PRIMARY KEY (room, id));
   CREATE INDEX IF NOT EXISTS presence_window_order ON presence_window (room, n);
   CREATE TABLE IF NOT EXISTS presence_streams (
     room TEXT NOT NULL, author TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
     PRIMARY KEY (room, author, stream));`,
]);

export const openWindowStore = (vat: Pick<Vat, 'tables'>): WindowStore => {
  const db = vat.tables('presence.window', MIGRATIONS, { durability: 'process-crash' });
  const next = db.prepare<{ n: number | null }>(
    'SELECT max(n) AS n FROM presence_window WHERE room = ?',
  );
  const insert = db.prepare(
    'INSERT OR IGNORE INTO presence_window (room, id, n, header, sig, content, salt, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const head = db.prepare(
    'INSERT OR REPLACE INTO presence_streams (room, author, stream, seq, id) VALUES (?, ?, ?, ?, ?)',
  );
  const drop = db.prepare('DELETE FROM presence_window WHERE room = ? AND id = ?');
  const all = db.prepare<{
    header: string;
    sig: string;
    content: string | null;
    salt: string | null;
    received_at: number;
  }>(
    'SELECT header, sig, content, salt, received_at FROM presence_window WHERE room = ? ORDER BY n',
  );
  const heads = db.prepare<StreamRecord>(
    'SELECT author, stream, seq, id FROM presence_streams WHERE room = ?',
  );
  let queued: Array<() => void> = [];
  const save = (
    room: string,
    envelopes: Array<{ id: string; wire: WireEnvelope; receivedAt: number }>,
    streamHeads: StreamRecord[],
  ) => {
    queued.push(() => {
      let n = (next.get(room)?.n ?? 0) + 1;
      for (const { id, wire, receivedAt } of envelopes) {
        insert.run(
          room,
          id,
          n,
          wire.header,
          wire.sig,
          wire.content ?? null,
          wire.salt ?? null,
          receivedAt,
        );
        n += 1;
      }
      for (const h of streamHeads) head.run(room, h.author, h.stream, h.seq, h.id);
    });
  };
  const forget = (room: string, ids: string[]) => {
    queued.push(() => {
      for (const id of ids) drop.run(room, id);
    });
  };
  /** Set once the vat's store closed: nothing can be written any more, nor acknowledged (its sessions ended first). */
  let closed = false;
  const flush = () => {
    if (closed || queued.length === 0) return;
    const writes = queued;
    queued = [];
    try {
      db.atomically(() => {
        for (const write of writes) write();
      });
    } catch (error) {
      queued = [...writes, ...queued];
      throw error;
    }
  };
  const cancel = db.beforeClose(() => {
    flush();
    closed = true;
  });
  return harden({
    save,
    forget,
    flush,
    close: () => {
      flush();
      cancel();
    },
    load: room => ({
      envelopes: all.all(room).map(r => ({
        wire:
          r.content === null
            ? { header: r.header, sig: r.sig }
            : { header: r.header, sig: r.sig, content: r.content, salt: r.salt! },
        receivedAt: r.received_at,
      })),
      heads: heads.all(room),
    }),
  });
};
harden(openWindowStore);
