// unum/host-admin.ts: what the room owner's admin facet does (facets.ts
// AdminI), each change run in the host's serial order and signed into a new
// state; a kick is remembered, so the kicked member's reconnect loop cannot
// bring it back.
import { createHash } from 'node:crypto';
import { short, type VatId } from '../captp-transport/index.js';
import { canonical } from '../presence/index.js';
import type { Admin, Change } from './facets.js';
import type { SignedSnapshot, Snapshot } from './snapshot.js';

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

export const makeAdminMethods = <State>(core: AdminCore<State>): Admin => {
  const { serial, commit, remove } = core;
  const memberOf = (vatId: VatId) => core.current().members.find(m => m.vatId === vatId);
  const inRoster = (vatId: VatId) => {
    if (!memberOf(vatId)) {
      throw Error(
        `[not-a-member] vat ${short(vatId)} is not a member of ${JSON.stringify(core.current().name)}`,
      );
    }
  };
  return {
    kick: (vatId, reason) =>
      serial(async () => {
        inRoster(vatId);
        core.saveRemoval(vatId, `kicked: ${reason}`);
        await remove(vatId, `kicked: ${reason}`);
      }),
    ban: (vatId, { durationMs, reason }) =>
      serial(async () => {
        if (!Number.isSafeInteger(durationMs) || durationMs < 0) {
          throw Error(
            `[bad-option] a ban lasts a whole number of ms (0: for good), got ${durationMs}`,
          );
        }
        const current = core.current();
        const until = durationMs > 0 ? Date.now() + durationMs : 0;
        const bans = [...current.bans.filter(b => b.vatId !== vatId), { vatId, until, reason }];
        if (memberOf(vatId)) await remove(vatId, `banned: ${reason}`, { bans });
        else await commit({ ...current, bans });
      }),
    unban: vatId =>
      serial(() => {
        const current = core.current();
        return commit({ ...current, bans: current.bans.filter(b => b.vatId !== vatId) });
      }),
    mute: (vatId, muted) =>
      serial(async () => {
        inRoster(vatId);
        const current = core.current();
        await commit({
          ...current,
          members: current.members.map(m => (m.vatId === vatId ? { ...m, muted } : m)),
        });
      }),
    setRuleset: ruleset =>
      serial(async () => {
        core.checkRuleset?.(ruleset);
        const current = core.current();
        const rulesetHash = createHash('sha256').update(canonical(ruleset)).digest('hex');
        await commit({
          ...current,
          rulesetHash,
          state: harden({ ...(current.state as object), ruleset }) as State,
        });
      }),
    setCapacity: async n => {
      if (!Number.isSafeInteger(n) || n < 1)
        throw Error(`[bad-option] capacity must be a positive integer, got ${n}`);
      core.setCapacity(n);
    },
    setOpen: async isOpen => {
      core.setOpen(isOpen);
    },
    roster: () => core.signed(),
  };
};
harden(makeAdminMethods);
