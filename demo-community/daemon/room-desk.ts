// demo-community/daemon/room-desk.ts: the rooms a running vat hosts and has
// joined, kept in its store so that a restarted vat hosts and joins them
// again, and the console commands on them. Each joined room keeps its last
// 500 shown lines for `stoa history`.
import { createRoom, joinRoom, type ChatMessage, type Room, type RoomMember } from '../../unum/index.js';
import type { Vat } from '../../vat/index.js';
import type { Handler } from './console-server.js';

const HISTORY = 500;

export const makeRoomDesk = (vat: Vat) => {
  const db = vat.database();
  db.exec(`CREATE TABLE IF NOT EXISTS desk_rooms (
    kind TEXT NOT NULL, name TEXT NOT NULL, invite TEXT NOT NULL, member_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (kind, invite))`);
  const remember = db.prepare('INSERT OR REPLACE INTO desk_rooms (kind, name, invite, member_name) VALUES (?, ?, ?, ?)');
  const forget = db.prepare('DELETE FROM desk_rooms WHERE kind = ? AND invite = ?');
  const saved = db.prepare<[], { kind: string; name: string; invite: string; member_name: string }>('SELECT * FROM desk_rooms');
  const hosted = new Map<string, Room>();
  const joined = new Map<string, { member: RoomMember; name: string; invite: string; lines: ChatMessage[] }>();

  const host = async (name: string) => {
    const room = await createRoom(vat, { name });
    hosted.set(room.room, room);
    remember.run('hosted', name, room.invite, '');
    return room;
  };
  const enter = async (invite: string, memberName: string) => {
    const member = await joinRoom(vat, invite, { name: memberName });
    const lines: ChatMessage[] = [];
    member.on('message', m => {
      lines.push(m);
      if (lines.length > HISTORY) lines.shift();
    });
    member.on('removed', () => {
      joined.delete(member.room);
      forget.run('joined', invite);
    });
    joined.set(member.room, { member, name: memberName, invite, lines });
    remember.run('joined', '', invite, memberName);
    return member;
  };
  /** A joined room by id, or by the name its host gave it. */
  const find = (which: unknown) => {
    const key = String(which);
    const entry = joined.get(key) ?? [...joined.values()].find(j => j.member.room.startsWith(`${key}~`));
    if (!entry) throw Error(`[unknown-room] this vat has not joined a room ${JSON.stringify(key)}; see: stoa rooms`);
    return entry;
  };

  const handlers: Record<string, Handler> = {
    'room.create': async ({ name }) => {
      if (typeof name !== 'string' || !name.trim()) throw Error('[usage] a room needs a name');
      const room = await host(name.trim());
      return { room: room.room, invite: room.invite };
    },
    'room.join': async ({ invite, name }) => {
      if (typeof name !== 'string' || !name.trim()) throw Error('[usage] joining needs --name NAME');
      const member = await enter(String(invite), name.trim());
      return { room: member.room, roster: member.roster().map(m => m.name) };
    },
    rooms: async () => [
      ...[...hosted.values()].map(r => ({ room: r.room, role: 'host', members: r.roster().map(m => m.name), invite: r.invite })),
      ...[...joined.values()].map(j => ({ room: j.member.room, role: 'member', as: j.name, members: j.member.roster().map(m => m.name), hostReachable: j.member.hostReachable() })),
    ],
    say: async ({ room, text }) => {
      const sent = await find(room).member.say(String(text));
      return { to: sent.to.length };
    },
    whisper: async ({ room, to, text }) => {
      const { member } = find(room);
      const target = member.roster().find(m => m.name === to || m.vatId === to);
      if (!target) throw Error(`[not-a-member] nobody called ${JSON.stringify(String(to))} is in the room`);
      const sent = await member.whisper(target.vatId, String(text));
      return { to: sent.to.length };
    },
    /** Streams the room's lines, roster changes and host reachability until the client hangs up. */
    'room.watch': async ({ room }, stream, closed) => {
      const { member } = find(room);
      const offs = [
        member.on('message', m => stream({ type: 'message', name: m.name, text: m.text, ...(m.to ? { whisper: true } : {}) })),
        member.on('roster', r => stream({ type: 'roster', members: r.members.map(m => m.name) })),
        member.on('host', h => stream({ type: 'host', reachable: h.reachable })),
        member.on('removed', r => stream({ type: 'removed', reason: r.reason })),
        member.on('filtered', f => stream({ type: 'filtered', name: f.message.name, rule: f.hit.rule })),
      ];
      stream({ type: 'roster', members: member.roster().map(m => m.name) });
      await closed;
      for (const off of offs) off();
      return null;
    },
    leave: async ({ room }) => {
      await find(room).member.leave();
      return { left: true };
    },
    report: async ({ room, name, category }) => {
      const entry = find(room);
      const target = entry.lines.filter(l => l.name === name).slice(-3);
      if (target.length === 0) throw Error(`[nothing-to-report] no recent line by ${JSON.stringify(String(name))} in this room`);
      return entry.member.report({ category: String(category || 'other'), flagged: target.map(l => l.id) });
    },
    history: async ({ room, limit = 50 }) =>
      find(room)
        .lines.slice(-Number(limit))
        .map(m => ({ name: m.name, text: m.text, ts: m.ts, ...(m.to ? { whisper: true } : {}) })),
  };

  return harden({
    handlers,
    /** Hosts and joins again what this vat hosted and joined before it stopped. */
    async restore() {
      const rows = saved.all();
      for (const row of rows.filter(r => r.kind === 'hosted')) await host(row.name);
      for (const row of rows.filter(r => r.kind === 'joined')) {
        await enter(row.invite, row.member_name).catch(() => undefined); // its host may be away; `stoa room join` again later
      }
    },
    close() {
      for (const { member } of joined.values()) member.close();
      for (const room of hosted.values()) room.close();
    },
  });
};
harden(makeRoomDesk);
