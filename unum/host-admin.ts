// unum/host-admin.ts: what the room owner's admin facet does (facets.ts
// AdminI), each change run in the host's serial order and signed into a new
// state; a kick is remembered, so the kicked member's reconnect loop cannot
// bring it back.
import { createHash } from 'node:crypto';
import { short, type VatId } from '../captp-transport/index.js';
import { canonical } from '../presence/index.js';
import type { Change } from './facets.js';
import type { Member, SignedSnapshot, Snapshot } from './snapshot.js';

export interface AdminCore<State> {
  serial<T>(step: () => Promise<T>): Promise<T>;
  current(): Snapshot<State>;
  signed(): SignedSnapshot;
  commit(
    next: Omit<Snapshot<State>, 'cseq'>,
    changes?: Map<VatId, Change>,
    rosterChanged?: boolean,
  ): Promise<void>;
  remove(vatId: VatId, reason: string, patch?: Partial<Snapshot<State>>): Promise<void>;
  checkRuleset?(ruleset: Record<string, unknown>): void;
  saveRemoval(vatId: VatId, reason: string): void;
  setCapacity(capacity: number): void;
  setOpen(open: boolean): void;
}

type Notice = NonNullable<Snapshot['notice']>;

const muteFields = ({ mutedUntil: _u, muteReason: _r, ...member }: Member): Member => member;

/** The member record with its mute set (until a time, with a reason) or cleared. */
export const withMute = (m: Member, muted: boolean, until: number, reason: string): Member =>
  muted
    ? {
        ...muteFields(m),
        muted,
        ...(until ? { mutedUntil: until } : {}),
        ...(reason ? { muteReason: reason } : {}),
      }
    : { ...muteFields(m), muted };
harden(withMute);

/** The hash a ruleset is signed into the state under (docs/protocol.md §9.3). */
export const rulesetHashOf = (ruleset: Record<string, unknown>): string =>
  createHash('sha256').update(canonical(ruleset)).digest('hex');
harden(rulesetHashOf);

export const makeAdminMethods = <State>(core: AdminCore<State>) => {
  const { serial, commit, remove } = core;
  const memberOf = (vatId: VatId) => core.current().members.find(m => m.vatId === vatId);
  const inRoster = (vatId: VatId) => {
    if (!memberOf(vatId)) {
      throw Error(
        `[not-a-member] vat ${short(vatId)} is not a member of ${JSON.stringify(core.current().name)}`,
      );
    }
  };
  const notice = (what: Notice['what'], vatId: VatId, reason: string, until = 0): Notice =>
    harden({ what, vatId, name: memberOf(vatId)?.name ?? '', reason, until, ts: Date.now() });
  const duration = (durationMs: number, what: string) => {
    if (!Number.isSafeInteger(durationMs) || durationMs < 0) {
      throw Error(
        `[bad-option] a ${what} lasts a whole number of ms (0: for good), got ${durationMs}`,
      );
    }
    return durationMs > 0 ? Date.now() + durationMs : 0;
  };
  /** Sets or clears one member's mute, with the notice of the change. */
  const setMute = (
    vatId: VatId,
    muted: boolean,
    until: number,
    reason: string,
    what: Notice['what'],
  ) => {
    const current = core.current();
    return commit({
      ...current,
      members: current.members.map(m =>
        m.vatId !== vatId ? m : withMute(m, muted, until, reason),
      ),
      notice: notice(what, vatId, reason, until),
    });
  };
  return {
    kick: (vatId: VatId, reason: string) =>
      serial(async () => {
        inRoster(vatId);
        core.saveRemoval(vatId, `kicked: ${reason}`);
        await remove(vatId, `kicked: ${reason}`, { notice: notice('kick', vatId, reason) });
      }),
    ban: (vatId: VatId, { durationMs, reason }: { durationMs: number; reason: string }) =>
      serial(async () => {
        const until = duration(durationMs, 'ban');
        const current = core.current();
        const bans = [...current.bans.filter(b => b.vatId !== vatId), { vatId, until, reason }];
        const said = notice('ban', vatId, reason, until);
        if (memberOf(vatId)) await remove(vatId, `banned: ${reason}`, { bans, notice: said });
        else await commit({ ...current, bans, notice: said });
      }),
    unban: (vatId: VatId, reason = '') =>
      serial(() => {
        const current = core.current();
        return commit({
          ...current,
          bans: current.bans.filter(b => b.vatId !== vatId),
          notice: notice('unban', vatId, reason),
        });
      }),
    mute: (vatId: VatId, muted: boolean, { durationMs = 0, reason = '' } = {}) =>
      serial(async () => {
        inRoster(vatId);
        const until = muted ? duration(durationMs, 'mute') : 0;
        await setMute(vatId, muted, until, reason, muted ? 'mute' : 'unmute');
      }),
    /** The mute clock's: unmutes whose timed mute has ended (one signed change each). */
    endMutes: (ended: VatId[]) =>
      serial(async () => {
        for (const vatId of ended) {
          const m = memberOf(vatId);
          if (m?.muted && m.mutedUntil && m.mutedUntil <= Date.now())
            await setMute(vatId, false, 0, 'the mute ended', 'unmute');
        }
      }).catch(() => {}), // a failed commit is retried at the next change's arm
    setRuleset: (ruleset: Record<string, unknown>) =>
      serial(async () => {
        core.checkRuleset?.(ruleset);
        const current = core.current();
        const rulesetHash = rulesetHashOf(ruleset);
        await commit({
          ...current,
          rulesetHash,
          state: harden({ ...(current.state as object), ruleset }) as State,
        });
      }),
    setCapacity: async (n: number) => {
      if (!Number.isSafeInteger(n) || n < 1)
        throw Error(`[bad-option] capacity must be a positive integer, got ${n}`);
      core.setCapacity(n);
    },
    setOpen: async (isOpen: boolean) => {
      core.setOpen(isOpen);
    },
    roster: () => core.signed(),
  };
};
harden(makeAdminMethods);
