// demo-community/daemon/room-desk.ts: the rooms a running vat hosts and has
// joined, kept in its store so that a restarted vat hosts and joins them
// again, and the commands on them that the console (`stoa room …`, `stoa
// chat`) and the web page share. Each joined room keeps its last 500 shown
// lines; the receipts of the reports this vat sent are kept in the store.
import type { VatId } from '../../captp-transport/index.js';
import type { SendResult } from '../../presence/index.js';
import {
  isMutedNow,
  serveReplica,
  type ChatMessage,
  type HeldSnapshot,
  type Notice,
  type Room,
} from '../../unum/index.js';
import {
  createModeratedRoom,
  createRoom,
  joinRoom,
  checkRuleset,
  type ModeratedMember,
  type ModeratedRoom,
} from '../../moderation/index.js';
import type { Vat } from '../../vat/index.js';
import type { Handler } from './console-server.js';
import type { DeskLine, DeskMember, DeskOutcome, DeskReceipt } from './desk-types.js';
import { clockWords, noticeWords, outcomeWords } from './desk-words.js';
import { followOutcomes, type OutcomeFollower } from './outcome-follower.js';
import { makeWaitingRooms } from './waiting-rooms.js';

export type { DeskLine, DeskMember, DeskReceipt } from './desk-types.js';

const HISTORY = 500;

/** A command's text argument. Never String(x): a client's object can carry its own toString. */
const textArg = (value: unknown, what: string): string => {
  if (typeof value !== 'string') throw Error(`[usage] ${what} must be text`);
  return value;
};
const optionalText = (value: unknown, what: string): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : textArg(value, what);
/** How often a watcher is told, if it changed, who may not hear this member. */
const REACH_POLL_MS = 1000;

interface Joined {
  member: ModeratedMember;
  name: string;
  invite: string;
  lines: DeskLine[];
  /** Keeps a line (others', or this vat's own once sent) and tells the watchers. */
  keep(line: DeskLine): void;
  /** Told each kept line and each receipt of a report the vat made by itself. */
  watchers: Set<
    (event: { type: 'message'; line: DeskLine } | { type: 'receipt'; receipt: DeskReceipt }) => void
  >;
  removed?: string;
  outcomes: OutcomeFollower;
  /** Names of every member this vat saw in the room, by vat id (a notice may be about one gone since). */
  seen: Map<string, string>;
}

const receiptOf = (
  room: string,
  category: string,
  accused: string[],
  trigger: string,
  result: unknown,
): DeskReceipt => {
  const r = result as
    | {
        verdict?: string;
        caseId?: string;
        receipt?: { index: number; checkpoint?: { checkpoint: string } };
      }
    | undefined;
  const checkpoint = r?.receipt?.checkpoint
    ? (JSON.parse(r.receipt.checkpoint.checkpoint) as { size: number; root: string })
    : undefined;
  return {
    room,
    at: Date.now(),
    category,
    accused,
    trigger,
    ...(r?.verdict ? { verdict: r.verdict } : {}),
    ...(r?.caseId ? { caseId: r.caseId } : {}),
    ...(r?.receipt && checkpoint
      ? { receipt: { index: r.receipt.index, size: checkpoint.size, root: checkpoint.root } }
      : {}),
  };
};

/** The rooms this vat hosts and has joined, and the receipts of its reports. */
const DESK_MIGRATIONS = harden([
  `CREATE TABLE IF NOT EXISTS desk_rooms (
     kind TEXT NOT NULL, name TEXT NOT NULL, invite TEXT NOT NULL, member_name TEXT NOT NULL DEFAULT '',
     moderation TEXT NOT NULL DEFAULT '', PRIMARY KEY (kind, invite));
   CREATE TABLE IF NOT EXISTS desk_receipts (n INTEGER PRIMARY KEY, room TEXT NOT NULL, json TEXT NOT NULL);`,
  // How many replicas a hosted room has; kind `replica`: a room this vat is a replica of (invite: the replica invite).
  'ALTER TABLE desk_rooms ADD COLUMN replicas INTEGER NOT NULL DEFAULT 1',
]);

/** How many vats hold a room's critical state: 1 for a room with one host. */
const replicaCount = (snapshot: HeldSnapshot): number =>
  snapshot.v === 2 ? snapshot.replicas.length : 1;

export const makeRoomDesk = (vat: Vat) => {
  const db = vat.tables('demo.desk', DESK_MIGRATIONS);
  const remember = db.prepare(
    'INSERT OR REPLACE INTO desk_rooms (kind, name, invite, member_name, moderation, replicas) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const forget = db.prepare('DELETE FROM desk_rooms WHERE kind = ? AND invite = ?');
  const saved = db.prepare<{
    kind: string;
    name: string;
    invite: string;
    member_name: string;
    moderation: string;
    replicas: number;
  }>('SELECT * FROM desk_rooms');
  const keepReceipt = db.prepare('INSERT INTO desk_receipts (room, json) VALUES (?, ?)');
  const receiptsOf = db.prepare<{ json: string }>(
    'SELECT json FROM desk_receipts WHERE room = ? ORDER BY n DESC LIMIT 100',
  );
  const receiptRows = db.prepare<{ n: number; json: string }>(
    'SELECT n, json FROM desk_receipts WHERE room = ?',
  );
  const rewriteReceipt = db.prepare('UPDATE desk_receipts SET json = ? WHERE n = ?');
  const hosted = new Map<string, Room | ModeratedRoom>();
  const joined = new Map<string, Joined>();
  const waiting = makeWaitingRooms();

  /** Rooms this vat is a replica of (not their owner), by room id. */
  const replicating = new Map<string, Awaited<ReturnType<typeof serveReplica>>>();

  const host = async (name: string, moderation = '', replicas = 1) => {
    if (moderation && replicas !== 1)
      throw Error(
        '[bad-option] a room with replicas takes no moderation service yet: create it with --moderation or with --replicas, not both',
      );
    const room = moderation
      ? await createModeratedRoom(vat, { name, moderation })
      : await createRoom(vat, { name, replicas });
    hosted.set(room.room, room);
    waiting.forget(`hosted|${room.invite}`);
    remember.run('hosted', name, room.invite, '', moderation, replicas);
    return room;
  };

  /** Serves (or, after a restart, resumes) a replica of the room behind `replicaInvite`. */
  const replicate = async (replicaInvite: string) => {
    const served = await serveReplica(vat, replicaInvite);
    replicating.set(served.room, served);
    waiting.forget(`replica|${replicaInvite}`);
    remember.run('replica', served.snapshot().name, replicaInvite, '', '', 0);
    return served;
  };

  const nameOf = (member: ModeratedMember, vatId: VatId) =>
    member.roster().find(m => m.vatId === vatId)?.name ?? vatId.slice(0, 8);
  const lineOf = (member: ModeratedMember, m: ChatMessage): DeskLine => ({
    id: m.id,
    from: m.from,
    name: m.name,
    text: m.text,
    ts: m.ts,
    mine: m.from === vat.id,
    ...(m.to ? { whisperTo: nameOf(member, m.to) } : {}),
    ...(m.flag ? { warnedBy: m.flag.rule } : {}),
  });
  const rosterOf = (member: ModeratedMember): DeskMember[] => {
    const away = new Set(member.unreachable());
    return member.roster().map(m => ({
      name: m.name,
      vatId: m.vatId,
      role: m.role,
      muted: isMutedNow(m),
      ...(isMutedNow(m) ? { mutedUntil: m.mutedUntil ?? 0, muteReason: m.muteReason ?? '' } : {}),
      self: m.vatId === vat.id,
      reachable: m.vatId === vat.id || !away.has(m.vatId),
    }));
  };
  const record = (receipt: DeskReceipt) => {
    keepReceipt.run(receipt.room, JSON.stringify(receipt));
    return receipt;
  };

  /** Writes `outcome` onto the stored receipts of its case; true if one did not have it yet. */
  const keepOutcome = (room: string, outcome: DeskOutcome) => {
    let fresh = false;
    for (const row of receiptRows.all(room)) {
      const receipt = JSON.parse(row.json) as DeskReceipt;
      if (receipt.caseId !== outcome.caseId || (receipt.outcome?.entry ?? -1) >= outcome.entry)
        continue;
      rewriteReceipt.run(JSON.stringify({ ...receipt, outcome }), row.n);
      fresh = true;
    }
    return fresh;
  };
  const hasCases = (room: string) =>
    receiptRows.all(room).some(row => (JSON.parse(row.json) as DeskReceipt).caseId);

  /** A line that is not chat: a roster notice or an outcome, said in words. */
  const noticeLine = (
    id: string,
    ts: number,
    text: string,
    extra: Pick<DeskLine, 'notice' | 'outcome'>,
  ): DeskLine => ({ id, from: '', name: '', text, ts, mine: false, ...extra });

  const enter = async (invite: string, memberName: string) => {
    const member = await joinRoom(vat, invite, { name: memberName });
    const watchers: Joined['watchers'] = new Set();
    const keep = (line: DeskLine) => {
      entry.lines.push(line);
      if (entry.lines.length > HISTORY) entry.lines.shift();
      for (const watcher of watchers) watcher({ type: 'message', line });
    };
    const seen = new Map(member.roster().map(m => [m.vatId as string, m.name]));
    const outcomes = followOutcomes(
      member,
      outcome => keepOutcome(member.room, outcome),
      outcome => {
        keep(
          noticeLine(`outcome:${outcome.entry}`, outcome.ts, outcomeWords(outcome), { outcome }),
        );
      },
      vatId => seen.get(vatId) ?? vatId.slice(0, 8),
    );
    const entry: Joined = {
      member,
      name: memberName,
      invite,
      lines: [],
      keep,
      watchers,
      outcomes,
      seen,
    };
    member.on('message', m => keep(lineOf(member, m)));
    member.on('filtered', f => keep({ ...lineOf(member, f.message), hiddenBy: f.hit.rule }));
    member.on('roster', update => {
      for (const m of update.members) seen.set(m.vatId, m.name);
      if (update.notice) keep(roomNotice(entry, update.notice));
    });
    member.on('reported', r => {
      const receipt = record(
        receiptOf(member.room, r.hit.category, [], `rule ${r.hit.rule}`, r.result),
      );
      if (receipt.caseId) outcomes.start();
      for (const watcher of watchers) watcher({ type: 'receipt', receipt });
    });
    member.on('removed', r => {
      entry.removed = r.reason;
      outcomes.stop();
      forget.run('joined', invite);
    });
    joined.set(member.room, entry);
    waiting.forget(`joined|${invite}`);
    remember.run('joined', '', invite, memberName, '', 0);
    if (hasCases(member.room)) outcomes.start();
    return member;
  };
  const roomNotice = (entry: Joined, n: Notice): DeskLine => {
    const notice = {
      what: n.what,
      name: n.name || entry.seen.get(n.vatId) || '',
      self: n.vatId === vat.id,
      reason: n.reason,
      until: n.until,
    };
    return noticeLine(`notice:${n.ts}:${n.vatId}`, n.ts, noticeWords(notice), { notice });
  };
  /** Refuses a line from a muted member before it is signed, saying until when and why. */
  const refuseIfMuted = (entry: Joined) => {
    const self = entry.member.roster().find(m => m.vatId === vat.id);
    if (!self || !isMutedNow(self)) return;
    const until = self.mutedUntil ? ` until ${clockWords(self.mutedUntil)}` : '';
    throw Error(
      `[muted] You are muted in this room${until}${self.muteReason ? ` — ${self.muteReason}` : ''}. Your line was not sent.`,
    );
  };
  /** A hosted room by id, or by its name. */
  const findHosted = (which: unknown) => {
    const key = textArg(which, 'the room');
    const room = hosted.get(key) ?? [...hosted.values()].find(r => r.room.startsWith(`${key}~`));
    if (!room)
      throw Error(
        `[not-host] this vat hosts no room ${JSON.stringify(key)}: only a room's host sets its rules; see: stoa rooms`,
      );
    return room;
  };
  /**
   * Replaces a hosted room's ruleset the logged way: a room with a moderation
   * service has the service log it first (its enforcer then applies it);
   * without one, the host signs it into the room's state, where every member
   * reads it.
   */
  const setRules = async (room: Room | ModeratedRoom, ruleset: unknown) => {
    checkRuleset(ruleset); // before anything is sent: the old ruleset stays
    const rules = harden(ruleset as Record<string, unknown>);
    if ('setRuleset' in room) return { logEntry: (await room.setRuleset(rules)).index };
    await room.admin.setRuleset(rules);
    return {};
  };
  /** A joined room by id, or by the name its host gave it. */
  const find = (which: unknown) => {
    const key = textArg(which, 'the room');
    const entry =
      joined.get(key) ?? [...joined.values()].find(j => j.member.room.startsWith(`${key}~`));
    if (!entry)
      throw Error(
        `[unknown-room] this vat has not joined a room ${JSON.stringify(key)}; see: stoa rooms`,
      );
    return entry;
  };
  const present = (which: unknown) => {
    const entry = find(which);
    if (entry.removed) throw Error(`[removed] you were removed from this room: ${entry.removed}`);
    return entry;
  };
  /** Says whom a line this vat sent did not reach; keeps a whisper (the presence echoes public lines itself). */
  const sent = (
    entry: Joined,
    text: string,
    result: SendResult,
    intended: VatId[],
    whisperTo?: VatId,
  ) => {
    const { member } = entry;
    if (whisperTo)
      entry.keep({
        id: result.id,
        from: vat.id,
        name: entry.name,
        text,
        ts: Date.now(),
        mine: true,
        whisperTo: nameOf(member, whisperTo),
      });
    const reached = new Set(result.to);
    return {
      to: result.to.length,
      missed: intended.filter(v => !reached.has(v)).map(v => nameOf(member, v)),
    };
  };

  const handlers: Record<string, Handler> = {
    'room.create': async ({ name, moderation, replicas = 1 }) => {
      if (typeof name !== 'string' || !name.trim()) throw Error('[usage] a room needs a name');
      if (![1, 3, 5].includes(Number(replicas)))
        throw Error(`[usage] --replicas is 1, 3 or 5, not ${JSON.stringify(replicas)}`);
      const room = await host(
        name.trim(),
        typeof moderation === 'string' ? moderation : '',
        Number(replicas),
      );
      return {
        room: room.room,
        invite: room.invite,
        ...(room.replicaInvite ? { replicaInvite: room.replicaInvite } : {}),
      };
    },
    'room.replicate': async ({ invite }) => {
      if (typeof invite !== 'string' || !invite.trim())
        throw Error(
          '[usage] replicating needs the replica invite `stoa room create --replicas` printed',
        );
      const served = await replicate(invite.trim());
      return {
        room: served.room,
        invite: served.invite,
        replicas: replicaCount(served.snapshot()),
      };
    },
    /** The ruleset of a room this vat hosts; with `ruleset`, replaces it first (setRules). */
    'room.rules': async ({ room, ruleset }) => {
      const hostedRoom = findHosted(room);
      const logged = ruleset === undefined ? {} : await setRules(hostedRoom, ruleset);
      const { rulesetHash, state } = hostedRoom.snapshot();
      return { room: hostedRoom.room, ruleset: state.ruleset, rulesetHash, ...logged };
    },
    'room.join': async ({ invite, name }) => {
      if (typeof invite !== 'string' || !invite.trim())
        throw Error('[usage] joining needs an invite (the sturdy ref `stoa room create` printed)');
      if (typeof name !== 'string' || !name.trim()) throw Error('[usage] joining needs a name');
      const inside = [...joined.values()].find(j => j.invite === invite.trim() && !j.removed);
      if (inside)
        throw Error(
          `[already-member] this vat is already in ${JSON.stringify(inside.member.room.split('~')[0])} as ${JSON.stringify(inside.name)}; to join under another name, leave first (stoa chat, then /leave)`,
        );
      const member = await enter(invite.trim(), name.trim());
      return { room: member.room, roster: member.roster().map(m => m.name) };
    },
    rooms: async () => [
      ...[...hosted.values()].map(r => ({
        room: r.room,
        role: 'host',
        members: r.roster().map(m => m.name),
        invite: r.invite,
        ...(r.replicaInvite ? { replicaInvite: r.replicaInvite } : {}),
        ...(r.replicaInvite ? { replicas: replicaCount(r.snapshot()) } : {}),
      })),
      ...[...replicating.values()].map(r => ({
        room: r.room,
        role: 'replica',
        members: r.roster().map(m => m.name),
        invite: r.invite,
      })),
      ...[...joined.values()].map(j => ({
        room: j.member.room,
        role: 'member',
        as: j.name,
        members: j.member.roster().map(m => m.name),
        hostReachable: j.member.hostReachable(),
        ...(j.removed ? { removed: j.removed } : {}),
      })),
      ...waiting.list().map(w => ({
        room: w.name,
        role: w.role,
        waiting: w.error,
        retryInMs: Math.max(0, w.retryAt - Date.now()),
      })),
    ],
    say: async ({ room, text }) => {
      const entry = present(room);
      refuseIfMuted(entry);
      const line = textArg(text, 'the line');
      const others = entry.member
        .roster()
        .filter(m => m.vatId !== vat.id)
        .map(m => m.vatId);
      return sent(entry, line, await entry.member.say(line), others);
    },
    whisper: async ({ room, to, text }) => {
      const entry = present(room);
      refuseIfMuted(entry);
      const whom = textArg(to, 'whom to whisper to');
      const target = entry.member.roster().find(m => m.name === whom || m.vatId === whom);
      if (!target)
        throw Error(`[not-a-member] nobody called ${JSON.stringify(whom)} is in the room`);
      if (target.vatId === vat.id) throw Error('[not-a-member] a whisper goes to someone else');
      const line = textArg(text, 'the line');
      return sent(
        entry,
        line,
        await entry.member.whisper(target.vatId, line),
        [target.vatId],
        target.vatId,
      );
    },
    /** Streams the room's lines, roster (with reachability), host reachability and receipts until the client hangs up. */
    'room.watch': async ({ room }, stream, closed) => {
      const entry = find(room);
      const { member } = entry;
      let reach = '';
      const roster = (force = false) => {
        const members = rosterOf(member);
        const now = JSON.stringify(members.map(m => [m.vatId, m.reachable]));
        if (force || now !== reach) stream({ type: 'roster', members });
        reach = now;
      };
      entry.watchers.add(stream);
      const offs = [
        () => entry.watchers.delete(stream),
        member.on('roster', () => roster(true)),
        member.on('host', h => stream({ type: 'host', reachable: h.reachable })),
        member.on('removed', r => stream({ type: 'removed', reason: r.reason })),
      ];
      roster(true);
      stream({ type: 'host', reachable: member.hostReachable() });
      if (entry.removed) stream({ type: 'removed', reason: entry.removed });
      const poll = setInterval(() => roster(), REACH_POLL_MS);
      await closed;
      clearInterval(poll);
      for (const off of offs) off();
      return null;
    },
    leave: async ({ room }) => {
      const entry = find(room);
      entry.outcomes.stop();
      if (!entry.removed) await entry.member.leave();
      joined.delete(entry.member.room);
      forget.run('joined', entry.invite);
      return { left: true };
    },
    /**
     * The panic button: reports the lines `ids` (from the page), or else the
     * last three lines by `name` (from the terminal).
     */
    report: async ({ room, name, ids, category, note }) => {
      const entry = present(room);
      const flagged = Array.isArray(ids)
        ? entry.lines.filter(l => ids.includes(l.id))
        : entry.lines.filter(l => l.name === name).slice(-3);
      if (flagged.length === 0)
        throw Error(
          `[nothing-to-report] no recent line ${Array.isArray(ids) ? 'with those ids' : `by ${JSON.stringify(textArg(name, 'the name of whom to report'))}`} in this room`,
        );
      if (flagged.some(l => l.mine))
        throw Error('[nothing-to-report] you cannot report your own line');
      const kind = (optionalText(category, 'the category') ?? 'other').slice(0, 64);
      const said = optionalText(note, 'the note');
      const accused = [...new Set(flagged.map(l => l.name))];
      try {
        const result = await entry.member.report({
          category: kind,
          ...(said ? { note: said.slice(0, 2000) } : {}),
          flagged: flagged.map(l => l.id),
        });
        const receipt = record(receiptOf(entry.member.room, kind, accused, 'panic', result));
        if (receipt.caseId) entry.outcomes.start();
        return receipt;
      } catch (error) {
        record({
          ...receiptOf(entry.member.room, kind, accused, 'panic', undefined),
          error: (error as Error).message,
        });
        throw error;
      }
    },
    receipts: async ({ room }) =>
      receiptsOf.all(find(room).member.room).map(r => JSON.parse(r.json) as DeskReceipt),
    history: async ({ room, limit = 50 }) =>
      find(room).lines.slice(
        -Math.max(1, Math.min(HISTORY, (typeof limit === 'number' ? limit : 50) || 50)),
      ),
  };

  return harden({
    handlers,
    /**
     * Hosts and joins again what this vat hosted and joined before it stopped.
     * A room that fails (its moderation service or host away, a refusal) is
     * listed as waiting and retried; the rest start. Returns the waiting ones.
     */
    async restore() {
      const rows = saved.all();
      for (const row of rows.filter(r => r.kind === 'hosted'))
        await waiting.start(`hosted|${row.invite}`, { role: 'host', name: row.name }, () =>
          host(row.name, row.moderation, row.replicas),
        );
      for (const row of rows.filter(r => r.kind === 'replica'))
        await waiting.start(`replica|${row.invite}`, { role: 'replica', name: row.name }, () =>
          replicate(row.invite),
        );
      for (const row of rows.filter(r => r.kind === 'joined'))
        await waiting.start(`joined|${row.invite}`, { role: 'member', name: row.invite }, () =>
          enter(row.invite, row.member_name),
        );
      return waiting.list();
    },
    /** The member behind a joined room (for programs that drive the desk). */
    member: (room: string) => find(room).member,
    close() {
      waiting.close();
      for (const { member, outcomes } of joined.values()) {
        outcomes.stop();
        member.close();
      }
      for (const room of hosted.values()) room.close();
      for (const room of replicating.values()) room.close();
    },
  });
};
harden(makeRoomDesk);
export type RoomDesk = ReturnType<typeof makeRoomDesk>;
