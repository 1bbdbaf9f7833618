// unum/quorum/room-rules.ts: what each critical request does to a replicated
// room's state (docs/protocol.md §4.9.2). Deterministic: it reads only the
// certified state, the request and its quorum time `at`, so every honest
// replica computes the same next state, or the same refusal.
import { short, type VatId } from '../../captp-transport/index.js';
import { checkAdmission } from '../admission.js';
import type { UnumDefinition } from '../define-unum.js';
import { rulesetHashOf, withMute } from '../host-admin.js';
import { normaliseName } from '../member-name.js';
import type { Member, Notice } from '../snapshot.js';
import { MAX_REPLICAS, replicaIds, type QuorumSnapshot, type ReplicaEntry } from './certified.js';
import { majorityOf } from './order.js';
import type { Decide } from './replica-core.js';
import type { OpenedRequest } from './request.js';

/** Kinds only the room's owner (the snapshot's `host`) may request. */
const OWNER_KINDS = new Set([
  'kick',
  'ban',
  'unban',
  'mute',
  'ruleset',
  'capacity',
  'open',
  'add-replica',
  'replace-replica',
]);

/** How long the `gone` votes on one member count toward a majority (after that they start over). */
export const AWAY_VOTES_MS = 60_000;

type Next<State> = Omit<QuorumSnapshot<State>, 'v' | 'room' | 'cseq' | 'at' | 'request'>;

const refuse = (code: string, why: string): never => {
  throw Error(`[${code}] ${why}`);
};

/** The request's JSON content as a record, or `[bad-request]`. */
const fields = (request: OpenedRequest): Record<string, unknown> => {
  let content: unknown;
  try {
    content = JSON.parse(request.request.content);
  } catch {
    return refuse('bad-request', `the content of a ${request.request.kind} request is not JSON`);
  }
  if (content === null || typeof content !== 'object' || Array.isArray(content))
    refuse('bad-request', `the content of a ${request.request.kind} request is not a record`);
  return content as Record<string, unknown>;
};
const text = (value: unknown, what: string, limit = 1000): string =>
  typeof value === 'string' && value.length <= limit
    ? value
    : refuse('bad-request', `${what} is not a text of at most ${limit} characters`);
const count = (value: unknown, what: string): number =>
  Number.isSafeInteger(value) && (value as number) >= 0
    ? (value as number)
    : refuse('bad-request', `${what} is not a whole number of 0 or more`);
const entry = (f: Record<string, unknown>): ReplicaEntry => ({
  vatId: text(f.vatId, 'the replica', 60),
  ref: text(f.ref, "the replica's door", 512),
});

export const makeRoomRules = <State>(
  definition: UnumDefinition<State>,
  opts: { checkRuleset?: (ruleset: Record<string, unknown>) => void } = {},
): Decide<State> => {
  const rules = (tip: QuorumSnapshot<State>, request: OpenedRequest, at: number): Next<State> => {
    const { kind, author } = request.request;
    const { v: _v, room: _r, cseq: _c, at: _a, request: _q, notice: _n, ...base } = tip;
    const memberOf = (vatId: VatId) => tip.members.find(m => m.vatId === vatId);
    const without = (vatId: VatId) => tip.members.filter(m => m.vatId !== vatId);
    // A member removed, or joining again, has no votes against it any more.
    const awayWithout = (vatId: VatId) => (tip.away ?? []).filter(a => a.vatId !== vatId);
    const need = (vatId: VatId) =>
      memberOf(vatId) ??
      refuse('not-a-member', `vat ${short(vatId)} is not a member of ${JSON.stringify(tip.name)}`);
    const notice = (what: Notice['what'], vatId: VatId, reason: string, until = 0): Notice => ({
      what,
      vatId,
      name: memberOf(vatId)?.name ?? '',
      reason,
      until,
      ts: at,
    });
    /** The votes that `gone` requests left, on members `members` still names (none if empty). */
    const awayOf = (members: Member[], votes = tip.away ?? []) => {
      const left = votes.filter(a => members.some(m => m.vatId === a.vatId));
      return left.length ? { away: left } : {};
    };
    const { away: _away, ...withoutAway } = base;
    const roster = (members: Member[], more: Partial<Next<State>> = {}): Next<State> => ({
      ...withoutAway,
      members,
      epoch: tip.epoch + 1,
      ...more,
      ...awayOf(members, more.away),
    });
    if (OWNER_KINDS.has(kind) && author !== tip.host)
      refuse('not-owner', `only the owner of ${JSON.stringify(tip.name)} may ${kind}`);
    const f = kind in (definition.operations ?? {}) ? {} : fields(request);
    switch (kind) {
      case 'join': {
        if (replicaIds(tip).includes(author))
          refuse(
            'own-room',
            `vat ${short(author)} is a replica of ${JSON.stringify(tip.name)}; join it from another vat`,
          );
        const name = normaliseName(text(f.name, 'the name', 256));
        const address = text(f.address, 'the address', 300);
        const existing = memberOf(author);
        if (existing) {
          if (existing.name !== name)
            refuse(
              'already-member',
              `vat ${short(author)} is already in ${JSON.stringify(tip.name)} as ${JSON.stringify(existing.name)}; to join as ${JSON.stringify(name)}, leave first`,
            );
          // Back in touch: the votes that it was gone start over.
          return {
            ...withoutAway,
            members: tip.members.map(m => (m.vatId === author ? { ...m, address } : m)),
            ...awayOf(tip.members, awayWithout(author)),
          };
        }
        checkAdmission(
          tip,
          {
            vatId: author,
            name,
            reattach: false,
            removal: undefined,
            open: tip.open,
            capacity: tip.capacity,
          },
          at,
        );
        const member: Member = {
          vatId: author,
          name,
          role: f.monitor === true ? 'monitor' : 'member',
          address,
          joinedAt: tip.epoch + 1,
          muted: false,
        };
        return roster([...tip.members, member]);
      }
      case 'leave':
        need(author);
        return roster(without(author));
      case 'gone': {
        if (!replicaIds(tip).includes(author))
          refuse(
            'not-a-replica',
            `only a replica of ${JSON.stringify(tip.name)} may say a member is gone`,
          );
        const vatId = text(f.vatId, 'the member', 60);
        need(vatId);
        // One replica's word is not enough: a majority of them must each have lost the member.
        const held = (tip.away ?? []).find(a => a.vatId === vatId && at - a.since <= AWAY_VOTES_MS);
        const by = [...new Set([...(held?.by ?? []), author])];
        if (by.length >= majorityOf(tip.replicas.length)) return roster(without(vatId));
        return {
          ...withoutAway,
          away: [...awayWithout(vatId), { vatId, by, since: held?.since ?? at }],
        };
      }
      case 'kick': {
        const vatId = text(f.vatId, 'the member', 60);
        const reason = text(f.reason ?? '', 'the reason');
        need(vatId);
        return roster(without(vatId), { notice: notice('kick', vatId, reason) });
      }
      case 'ban': {
        const vatId = text(f.vatId, 'the vat', 60);
        const reason = text(f.reason ?? '', 'the reason');
        const durationMs = count(f.durationMs ?? 0, 'the duration');
        const until = durationMs > 0 ? at + durationMs : 0;
        const bans = [...tip.bans.filter(b => b.vatId !== vatId), { vatId, until, reason }];
        return roster(without(vatId), { bans, notice: notice('ban', vatId, reason, until) });
      }
      case 'unban': {
        const vatId = text(f.vatId, 'the vat', 60);
        const reason = text(f.reason ?? '', 'the reason');
        return roster(tip.members, {
          bans: tip.bans.filter(b => b.vatId !== vatId),
          notice: notice('unban', vatId, reason),
        });
      }
      case 'mute': {
        const vatId = text(f.vatId, 'the member', 60);
        const muted = f.muted !== false;
        const reason = text(f.reason ?? '', 'the reason');
        const durationMs = count(f.durationMs ?? 0, 'the duration');
        const until = muted && durationMs > 0 ? at + durationMs : 0;
        need(vatId);
        return roster(
          tip.members.map(m => (m.vatId === vatId ? withMute(m, muted, until, reason) : m)),
          { notice: notice(muted ? 'mute' : 'unmute', vatId, reason, until) },
        );
      }
      case 'ruleset': {
        const ruleset = f.ruleset;
        if (ruleset === null || typeof ruleset !== 'object' || Array.isArray(ruleset))
          refuse('bad-request', 'a ruleset is a record');
        opts.checkRuleset?.(ruleset as Record<string, unknown>);
        return roster(tip.members, {
          rulesetHash: rulesetHashOf(ruleset as Record<string, unknown>),
          state: { ...(tip.state as object), ruleset } as State,
        });
      }
      case 'capacity': {
        const capacity = count(f.capacity, 'the capacity');
        if (capacity < 1) refuse('bad-option', 'capacity must be a positive integer');
        return { ...base, capacity };
      }
      case 'open':
        return { ...base, open: f.open === true };
      case 'add-replica': {
        const added = entry(f);
        if (tip.replicas.some(r => r.vatId === added.vatId))
          refuse('already-replica', `vat ${short(added.vatId)} is already a replica`);
        if (tip.replicas.length >= MAX_REPLICAS)
          refuse('full', `${JSON.stringify(tip.name)} has ${MAX_REPLICAS} replicas`);
        return { ...base, replicas: [...tip.replicas, added] };
      }
      case 'replace-replica': {
        const old = text(f.old, 'the replica replaced', 60);
        const added = entry(f);
        if (!tip.replicas.some(r => r.vatId === old))
          refuse('not-a-replica', `vat ${short(old)} is not a replica`);
        if (tip.replicas.some(r => r.vatId === added.vatId))
          refuse('already-replica', `vat ${short(added.vatId)} is already a replica`);
        return { ...base, replicas: tip.replicas.map(r => (r.vatId === old ? added : r)) };
      }
    }
    const operation = definition.operations?.[kind];
    if (!operation)
      return refuse(
        'bad-unum',
        `${definition.type} has no critical operation ${JSON.stringify(kind)}`,
      );
    const member = need(author);
    return {
      ...base,
      state: operation(tip.state, request.request.content, member, { members: tip.members }),
    };
  };
  return (tip, request, at) => {
    try {
      return { next: rules(tip, request, at) };
    } catch (error) {
      const reason = String((error as Error)?.message ?? error).slice(0, 1000);
      return { refused: /^\[[a-z-]+\]/.test(reason) ? reason : `[request-refused] ${reason}` };
    }
  };
};
harden(makeRoomRules);
