// moderation/audit-desk.ts: what an auditor does with an auditor
// capability, for the `stoa audit` commands and the dashboard alike. Actions
// are signed here, by the auditor's own vat; the log's growth is checked
// against the last checkpoint this auditor saw (kept in a file of its own).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { E, type ERef } from '@endo/far';
import type { Vat } from '../vat/index.js';
import {
  openCheckpoint,
  signAction,
  verifyGrowth,
  type AuditorFacet,
  type Sanction,
  type SignedCheckpoint,
} from './index.js';
/** A dashboard command: the page's arguments in, a passable answer out. */
export type DeskCommand = (args: Record<string, unknown>) => Promise<unknown>;

export interface ActRequest {
  caseId: string;
  action: Sanction;
  /** A vat id; by default the case's one accused member. */
  target?: string;
  /** The statement of reasons, logged with the action. */
  reason: string;
  durationMs?: number;
}

const SANCTIONS: readonly string[] = ['mute', 'kick', 'ban'];

/** Signs `request` with `vat` (the auditor's vat) and hands it to the facet, which logs it before the room applies it. */
export const actOnCase = async (auditor: ERef<AuditorFacet>, vat: Vat, request: ActRequest) => {
  if (!SANCTIONS.includes(request.action)) throw Error('[usage] an action is mute, kick or ban');
  if (typeof request.reason !== 'string' || !request.reason.trim())
    throw Error('[usage] a statement of reasons is required');
  const durationMs = Number(request.durationMs ?? 0);
  if (!Number.isSafeInteger(durationMs) || durationMs < 0)
    throw Error('[usage] a duration is a whole number of ms (0: for good)');
  const c = await E(auditor).show(request.caseId);
  const target = request.target || (c.accused.length === 1 ? c.accused[0] : undefined);
  if (!target) throw Error('[usage] the case accuses several members: name the target');
  if (!c.accused.includes(target))
    throw Error(`[usage] ${target.slice(0, 8)} is not accused in case ${request.caseId}`);
  const signed = signAction(
    {
      caseId: request.caseId,
      room: c.room,
      action: request.action,
      target,
      durationMs,
      reason: request.reason.trim(),
      auditor: vat.id,
    },
    m => vat.sign(m),
  );
  return E(auditor).act(signed);
};

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
export const makeAuditDesk = (
  vat: Vat,
  auditor: ERef<AuditorFacet>,
  checkpointFile: string,
): Record<string, DeskCommand> => {
  const str = (value: unknown, what: string) => {
    if (typeof value !== 'string' || !value) throw Error(`[usage] needs ${what}`);
    return value;
  };
  /** Names by vat id, learnt from the host-signed rosters of the reports verified so far. */
  const names = new Map<string, string>();
  const verify = async (reportId: string) => {
    const check = await E(auditor).verify(reportId);
    for (const [vatId, name] of Object.entries(check.names)) names.set(vatId, name);
    return check;
  };
  return {
    whoami: async () => E(auditor).whoami(),
    /** The queue, each case with the names of its accused (verifying its first report once to learn them). */
    list: async () => {
      const cases = await E(auditor).list();
      for (const c of cases.filter(c => c.accused.some(v => !names.has(v)))) {
        const first = (await E(auditor).show(c.caseId)).reports[0];
        if (first) await verify(first.reportId);
      }
      return cases.map(c => ({
        ...c,
        accusedNames: c.accused.map(v => names.get(v) ?? v.slice(0, 8)),
      }));
    },
    show: async ({ caseId }) => E(auditor).show(str(caseId, 'a case id')),
    verify: async ({ reportId }) => verify(str(reportId, 'a report id')),
    gather: async ({ caseId }) => E(auditor).gather(str(caseId, 'a case id')),
    annotate: async ({ caseId, note }) =>
      E(auditor).annotate(str(caseId, 'a case id'), str(note, 'a note')),
    act: async ({ caseId, action, target, reason, durationMs }) =>
      actOnCase(auditor, vat, {
        caseId: str(caseId, 'a case id'),
        action: action as Sanction,
        ...(typeof target === 'string' && target ? { target } : {}),
        reason: String(reason ?? ''),
        durationMs: Number(durationMs ?? 0),
      }),
    log: async ({ from = 0, count = 50 }) => E(auditor).log(Number(from), Number(count)),
    checkpoint: async () => {
      const signed = await E(auditor).checkpoint();
      return { ...openCheckpoint(signed), signed: true };
    },
    'log.verify': async () => checkLogGrowth(auditor, checkpointFile),
  };
};
harden(makeAuditDesk);
