// moderation/room-registry.ts: the rooms a moderation service serves, kept in
// the operator vat's tables: each room's host and a sturdy ref to its
// enforcer. A room stays bound to the host that registered it first, across
// restarts; the enforcer is fetched from its sturdy ref when an action needs
// it (again after the host's vat restarted).
import type { ERef } from '@endo/far';
import { short, type VatId } from '../captp-transport/index.js';
import { openSnapshot, type SignedSnapshot } from '../unum/index.js';
import { makeLiveRef, parseRef, type LiveRef, type Vat } from '../vat/index.js';
import type { RoomEnforcer } from './enforcer.js';

const MIGRATIONS = harden([
  'CREATE TABLE IF NOT EXISTS moderation_rooms (room TEXT PRIMARY KEY, host TEXT NOT NULL, enforcer TEXT NOT NULL)',
]);

export interface RoomRecord {
  room: string;
  host: VatId;
}

export interface RoomRegistry {
  /** Registers (or re-registers) `host`'s room from its signed roster. Throws `[not-yours]`, `[bad-ref]`. */
  register(host: VatId, signed: SignedSnapshot, enforcerRef: string): void;
  /** The room, if registered. */
  get(room: string): RoomRecord | undefined;
  /** The room's record, or `[unknown-room]`. */
  need(room: string): RoomRecord;
  /** The room's enforcer, fetched from its sturdy ref (again after the host restarted). */
  enforcer(room: string): Promise<ERef<RoomEnforcer>>;
}

export const openRoomRegistry = (vat: Vat): RoomRegistry => {
  const db = vat.tables('moderation.rooms', MIGRATIONS);
  const load = db.prepare<{ room: string; host: string; enforcer: string }>(
    'SELECT room, host, enforcer FROM moderation_rooms WHERE room = ?',
  );
  const save = db.prepare(
    'INSERT OR REPLACE INTO moderation_rooms (room, host, enforcer) VALUES (?, ?, ?)',
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
    return row ? harden({ room: row.room, host: row.host }) : undefined;
  };
  return harden({
    register(host: VatId, signed: SignedSnapshot, enforcerRef: string) {
      const { room } = openSnapshot(signed, host);
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
      save.run(room, host, enforcerRef);
      enforcers.delete(room);
    },
    get,
    need(room: string) {
      const { host } = rowOf(room);
      return harden({ room, host });
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
