// moderation/audit-desk.ts: what an auditor does with an auditor
// capability, for the `stoa audit` commands and the dashboard alike. Actions
// are signed here, by the auditor's own vat; the log's growth is checked
// against the last checkpoint this auditor saw (kept in a file of its own).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { E, type ERef } from '@endo/far';
import type { Vat } from '../vat/index.js';
import { SANCTIONS, TIMED, type Action } from './action.js';
import { describeDuration, parseDuration } from './duration.js';
import {
  openCheckpoint,
  signAction,
  verifyGrowth,
  type AuditorFacet,
  type Sanction,
  type SignedCheckpoint,
} from './index.js';
/** A dashboard command: the page's arguments in (and for a watch, a stream and the page's going away), a passable answer out. */
export type DeskCommand = (
  args: Record<string, unknown>,
  stream: (event: unknown) => void,
  closed: Promise<void>,
) => Promise<unknown>;

export interface ActRequest {
  caseId: string;
  action: Sanction;
  /** A vat id; by default the case's one accused member. */
  target?: string;
  /** The statement of reasons, logged with the action. */
  reason: string;
  /** For a mute or ban: `10m`, `2h`, `3d` (duration.ts), or ms; 0 for no end. */
  duration?: string | number;
}

/** What `request` will sign, checked, before anything is signed: the dashboard's confirmation shows it. */
export const prepareAction = async (
  auditor: ERef<AuditorFacet>,
  vat: Vat,
  request: ActRequest,
): Promise<Omit<Action, 'v' | 'ts'>> => {
  if (!SANCTIONS.includes(request.action))
    throw Error(`[usage] an action is one of: ${SANCTIONS.join(', ')}`);
  if (typeof request.reason !== 'string' || !request.reason.trim())
    throw Error('[usage] a statement of reasons is required: it is logged and shown to the room');
  const given = request.duration ?? 0;
  const durationMs = TIMED.includes(request.action)
    ? typeof given === 'number'
      ? given
      : parseDuration(given)
    : 0;
  if (!Number.isSafeInteger(durationMs) || durationMs < 0)
    throw Error('[usage] a duration is for example 10m, 2h or 3d (0: no end)');
  const c = await E(auditor).show(request.caseId);
  const target = request.target || (c.accused.length === 1 ? c.accused[0] : undefined);
  if (!target)
    throw Error('[usage] the case accuses several members: choose whom the action is for');
  if (!c.accused.includes(target))
    throw Error(`[usage] ${target.slice(0, 8)} is not accused in case ${request.caseId}`);
  return harden({
    caseId: request.caseId,
    room: c.room,
    action: request.action,
    target,
    durationMs,
    reason: request.reason.trim(),
    auditor: vat.id,
  });
};

/** Signs `request` with `vat` (the auditor's vat) and hands it to the facet, which logs it before the room applies it. */
export const actOnCase = async (auditor: ERef<AuditorFacet>, vat: Vat, request: ActRequest) =>
  E(auditor).act(signAction(await prepareAction(auditor, vat, request), m => vat.sign(m)));

/**
 * Checks the operator's current checkpoint: its signature, and that the log
 * only grew since the checkpoint saved in `file` (a consistency proof). Saves
 * the new one. The first check pins the operator that signed it.
 */
export const checkLogGrowth = async (auditor: ERef<AuditorFacet>, file: string) => {
  const now = await E(auditor).checkpoint();
  const saved = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as SignedCheckpoint)
    : undefined;
  const earlier = saved && openCheckpoint(saved);
  const operator = (earlier || openCheckpoint(now)).operator;
  const current = openCheckpoint(now, operator);
  const from = earlier?.size;
  if (saved && earlier)
    verifyGrowth(
      saved,
      now,
      earlier.size > 0 ? await E(auditor).consistency(earlier.size) : [],
      operator,
    );
  writeFileSync(file, JSON.stringify(now), { mode: 0o600 });
  return harden({
    size: current.size,
    root: current.root,
    operator,
    ...(from === undefined ? {} : { from }),
    said:
      from === undefined
        ? `checkpoint of size ${current.size} signed by the operator and saved; the next check proves the log only grew from it`
        : `the log grew from ${from} to ${current.size} entries and kept every one (consistency proof verified)`,
  });
};

/** The dashboard's commands, acting with `auditor` from `vat`. */
/** A sentence saying what an action does, as the confirmation and the log show it. */
export const describeAction = (
  action: Pick<Action, 'action' | 'durationMs' | 'reason'>,
  targetName: string,
): string => {
  const lasting = TIMED.includes(action.action)
    ? action.durationMs
      ? ` for ${describeDuration(action.durationMs)}`
      : ' with no end'
    : '';
  const verb = { mute: 'mute', kick: 'kick', ban: 'ban', unmute: 'unmute', unban: 'unban' }[
    action.action
  ];
  return `${verb} ${targetName}${lasting}, because: ${action.reason}`;
};
harden(describeAction);

export const makeAuditDesk = (
  vat: Vat,
  auditor: ERef<AuditorFacet>,
  checkpointFile: string,
): Record<string, DeskCommand> => {
  const str = (value: unknown, what: string) => {
    if (typeof value !== 'string' || !value) throw Error(`[usage] needs ${what}`);
    return value;
  };
  /** A whole number ≥ 0 from the page (never Number(x): a client's object can carry its own valueOf). */
  const count = (value: unknown, what: string, otherwise: number) => {
    if (value === undefined || value === null) return otherwise;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw Error(`[usage] ${what} is a whole number, 0 or more`);
    return value;
  };
  /** Names by vat id, from every host-signed roster the service saw for each room of the queue. */
  const names = new Map<string, string>();
  const learnNames = async (rooms: Iterable<string>) => {
    for (const room of new Set(rooms))
      for (const [vatId, name] of Object.entries(await E(auditor).names(room)))
        names.set(vatId, name);
    return Object.fromEntries(names);
  };
  const nameOf = (vatId: string) => names.get(vatId) ?? vatId.slice(0, 8);
  const request = (args: Record<string, unknown>): ActRequest => ({
    caseId: str(args.caseId, 'a case id'),
    action: args.action as Sanction,
    ...(typeof args.target === 'string' && args.target ? { target: args.target } : {}),
    reason: typeof args.reason === 'string' ? args.reason : '',
    duration: typeof args.duration === 'string' ? args.duration : 0,
  });
  return {
    whoami: async () => E(auditor).whoami(),
    /** The queue, each case with its status and the names of its accused. */
    list: async () => {
      const cases = await E(auditor).list();
      await learnNames(cases.map(c => c.room));
      return cases.map(c => ({ ...c, accusedNames: c.accused.map(nameOf) }));
    },
    names: async () => Object.fromEntries(names),
    show: async ({ caseId }) => {
      const c = await E(auditor).show(str(caseId, 'a case id'));
      return { ...c, names: await learnNames([c.room]) };
    },
    verify: async ({ reportId }) => E(auditor).verify(str(reportId, 'a report id')),
    gather: async ({ caseId }) => E(auditor).gather(str(caseId, 'a case id')),
    annotate: async ({ caseId, note }) =>
      E(auditor).annotate(str(caseId, 'a case id'), str(note, 'a note')),
    /** What `act` would sign, in words and in full, for the auditor to confirm. */
    'act.preview': async args => {
      const action = await prepareAction(auditor, vat, request(args));
      return { action, said: describeAction(action, nameOf(action.target)) };
    },
    act: async args => actOnCase(auditor, vat, request(args)),
    dismiss: async ({ caseId, reason }) =>
      E(auditor).dismiss(str(caseId, 'a case id'), str(reason, 'a statement of reasons')),
    /** Streams `{ size }` each time the log grows, until the page goes away. */
    'log.watch': async ({ size = 0 }, stream, closed) => {
      let seen = count(size, 'the log size seen', 0);
      let open = true;
      void closed.then(() => (open = false));
      while (open) {
        const now = await Promise.race([
          E(auditor).awaitLog(seen, 30_000),
          closed.then(() => seen),
        ]);
        if (now > seen && open) stream({ size: now });
        seen = now;
      }
      return null;
    },
    log: async ({ from, count: n }) =>
      E(auditor).log(count(from, 'the first entry', 0), count(n, 'how many entries', 50)),
    checkpoint: async () => {
      const signed = await E(auditor).checkpoint();
      return { ...openCheckpoint(signed), signed: true };
    },
    'log.verify': async () => checkLogGrowth(auditor, checkpointFile),
  };
};
harden(makeAuditDesk);
