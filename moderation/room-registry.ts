// moderation/room-registry.ts: the rooms a moderation service serves, kept in
// the operator vat's tables: each room's host and a sturdy ref to its
// enforcer. A room stays bound to the host that registered it first, across
// restarts; the enforcer is fetched from its sturdy ref when an action needs
// it (again after the host's vat restarted).
import type { ERef } from '@endo/far';
import { short, type VatId } from '../captp-transport/index.js';
import {
  openCertified,
  openSnapshot,
  parseQuorumSnapshot,
  replicaIds,
  type HeldSignature,
  type HeldSnapshot,
} from '../unum/index.js';
import { makeLiveRef, parseRef, type LiveRef, type Vat } from '../vat/index.js';
import type { RoomEnforcer } from './enforcer.js';

const MIGRATIONS = harden([
  'CREATE TABLE IF NOT EXISTS moderation_rooms (room TEXT PRIMARY KEY, host TEXT NOT NULL, enforcer TEXT NOT NULL)',
  // A room with replicas: its replica set as its owner last registered it (JSON array of VatIds).
  'ALTER TABLE moderation_rooms ADD COLUMN replicas TEXT',
]);

export interface RoomRecord {
  room: string;
  /** The host, or for a room with replicas its owner. */
  host: VatId;
  /** A room with replicas: the set its owner last registered. */
  replicas?: VatId[];
}

/** The room a host's (or an owner's) signed roster is of, with its replica set if it has one. Throws `[bad-snapshot]`. */
export const rosterOf = (
  host: VatId,
  signed: HeldSignature,
): { snapshot: HeldSnapshot; replicas?: VatId[] } => {
  if (signed === null || typeof signed !== 'object')
    throw Error(`[bad-snapshot] vat ${short(host)} registered no roster`);
  if ('sig' in signed) return harden({ snapshot: openSnapshot(signed, host) });
  const named = parseQuorumSnapshot(signed.snapshot);
  if (named.host !== host)
    throw Error(
      `[bad-snapshot] a replicated roster registered by vat ${short(host)} names another owner`,
    );
  const snapshot = openCertified(signed, replicaIds(named), named.room);
  return harden({ snapshot, replicas: replicaIds(snapshot) });
};
harden(rosterOf);

export interface RoomRegistry {
  /** Registers (or re-registers) `host`'s room from its signed roster (a replicated room's certified one: its owner). Throws `[not-yours]`, `[bad-ref]`, `[bad-snapshot]`. */
  register(host: VatId, signed: HeldSignature, enforcerRef: string): HeldSnapshot;
  /** The room, if registered. */
  get(room: string): RoomRecord | undefined;
  /** The room's record, or `[unknown-room]`. */
  need(room: string): RoomRecord;
  /** The room's enforcer, fetched from its sturdy ref (again after the host restarted). */
  enforcer(room: string): Promise<ERef<RoomEnforcer>>;
}

export const openRoomRegistry = (vat: Vat): RoomRegistry => {
  const db = vat.tables('moderation.rooms', MIGRATIONS);
  const load = db.prepare<{
    room: string;
    host: string;
    enforcer: string;
    replicas: string | null;
  }>('SELECT room, host, enforcer, replicas FROM moderation_rooms WHERE room = ?');
  const save = db.prepare(
    'INSERT OR REPLACE INTO moderation_rooms (room, host, enforcer, replicas) VALUES (?, ?, ?, ?)',
  );
  /** Live enforcer references by room, dropped when the room registers again. */
  const enforcers = new Map<string, LiveRef<RoomEnforcer>>();
  const rowOf = (room: string) => {
    const row = load.get(room);
    if (!row) {
      throw Error(
        `[unknown-room] no room ${JSON.stringify(room)} is registered with this moderation service`,
      );
    }
    return row;
  };
  const get = (room: string): RoomRecord | undefined => {
    const row = load.get(room);
    if (!row) return undefined;
    return harden({
      room: row.room,
      host: row.host,
      ...(row.replicas === null ? {} : { replicas: JSON.parse(row.replicas) as VatId[] }),
    });
  };
  return harden({
    register(host: VatId, signed: HeldSignature, enforcerRef: string) {
      const { snapshot, replicas } = rosterOf(host, signed);
      const { room } = snapshot;
      const known = get(room);
      if (known && known.host !== host) {
        throw Error(
          `[not-yours] room ${room} is registered by another host than vat ${short(host)}`,
        );
      }
      if (parseRef(enforcerRef, 's').vatId !== host) {
        throw Error(
          `[bad-ref] the enforcer of room ${room} must be an object of its host, vat ${short(host)}`,
        );
      }
      save.run(room, host, enforcerRef, replicas ? JSON.stringify(replicas) : null);
      enforcers.delete(room);
      return snapshot;
    },
    get,
    need(room: string) {
      rowOf(room);
      return get(room)!;
    },
    enforcer(room: string) {
      let live = enforcers.get(room);
      if (!live) {
        live = makeLiveRef<RoomEnforcer>(vat, rowOf(room).enforcer);
        enforcers.set(room, live);
      }
      return live.get();
    },
  });
};
harden(openRoomRegistry);
