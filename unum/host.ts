// unum/host.ts: the host presence of an unum (Habitat's host, Elko's context).
// It is authoritative for critical state only: the roster, roles, bans, the
// ruleset and the unum's own critical state, held in one snapshot it signs
// and fans to every member at each change. It carries no replicated traffic:
// members' presences talk directly, introduced by gifts the host passes on as
// data (docs/protocol.md §4):
//   join: check bans and capacity (refusals `[banned]`, `[full]`, `[closed]`),
//   tell existing members first (each gets a gift to the newcomer's inbox),
//   then return the member facet, the signed roster and one gift per member.
// A member whose session breaks is removed after the grace window unless it
// comes back (joins again, which re-attaches it) within it.
import { E, type ERef } from '@endo/far';
import { makeExo } from '@endo/exo';
import { short, type VatId } from '../captp-transport/index.js';
import { makeEmitter, makePresence, type Listener, type PeerInbox } from '../presence/index.js';
import type { Vat } from '../vat/index.js';
import type { UnumDefinition } from './define-unum.js';
import {
  AdminI,
  JoinI,
  MemberFacetI,
  type Admin,
  type Change,
  type JoinResult,
  type MemberLink,
  type PeerGift,
} from './facets.js';
import { openHostStore } from './host-store.js';
import { DEFAULT_UNUM_LIMITS, type UnumLimits } from './limits.js';
import { makeSerial, withTimeout } from './serial.js';
import { makeMuteClock } from './mute-clock.js';
import { signSnapshot, type Member, type SignedSnapshot, type Snapshot } from './snapshot.js';
import { makeRosterView } from './roster-view.js';
import { checkAdmission, ownRoom } from './admission.js';
import { makeAdminMethods } from './host-admin.js';
import { openHostedState } from './host-state.js';
import { giftsFromNewcomer, introducePeers } from './introductions.js';
import { normaliseName } from './member-name.js';

export interface HostOptions {
  /** The unum's name; hosting the same name again (after a restart) restores it. */
  name: string;
  /** Members admitted at most (default 64); a value set through the admin facet outlives restarts and wins. */
  capacity?: number;
  limits?: Partial<UnumLimits>;
  /**
   * Services the host introduces to each member as it joins: name -> a gift
   * URI minted for that member (e.g. its own report facet at the operator's
   * moderation service). The member redeems them directly. Asked before the
   * roster admits the member: a failure refuses the join.
   */
  introduce?: (member: VatId) => Promise<Record<string, string>>;
  /** Checks a ruleset before it is signed into the state; throws to refuse it. */
  checkRuleset?: (ruleset: Record<string, unknown>) => void;
}

export interface HostEvents<State> extends Record<string, unknown> {
  snapshot: Snapshot<State>;
  /** A member's critical request the unum refused. */
  refused: { author: VatId; kind: string; reason: string };
}

export interface HostedUnum<State> {
  readonly room: string;
  /** Sturdy ref to the join facet: the room's invite. */
  readonly invite: string;
  /** Admin facet (far): kick, ban, unban, mute, setRuleset, setCapacity, setOpen, roster. */
  readonly admin: Admin;
  /** The current state, as last signed. */
  snapshot(): Snapshot<State>;
  /** The current state with the host's signature, as members receive it. */
  signed(): SignedSnapshot;
  /** Subscribes to the host's events (each newly signed state, refused requests); returns the unsubscribe function. */
  on<K extends keyof HostEvents<State>>(
    name: K,
    listener: Listener<HostEvents<State>[K]>,
  ): () => void;
  /** Stops hosting in this process (the state stays in the store for a restart). */
  close(): void;
}

interface MemberRecord {
  link: ERef<MemberLink>;
  revokeFacet: () => void;
  /** Stops watching the member's session (when it re-attaches or is removed). */
  stopWatching?: () => void;
  grace?: NodeJS.Timeout;
}

export const hostUnum = async <State>(
  vat: Vat,
  definition: UnumDefinition<State>,
  opts: HostOptions,
): Promise<HostedUnum<State>> => {
  const limits: UnumLimits = { ...DEFAULT_UNUM_LIMITS, ...opts.limits };
  const store = openHostStore(vat);
  const restored = store.load(opts.name);
  let { current, signed } = openHostedState(vat, definition, opts.name, store, restored?.signed);
  const room = current.room;
  // What the admin facet set outlives restarts; the option is the starting value.
  let capacity = restored?.capacity ?? opts.capacity ?? limits.capacity;
  let open = restored?.open ?? true;
  const events = makeEmitter<HostEvents<State>>();
  const records = new Map<VatId, MemberRecord>();
  /** Joins in progress, by caller: one each, and `maxPendingJoins` in all. */
  const pendingJoins = new Set<VatId>();
  const serial = makeSerial();
  const view = makeRosterView(room, () => current);
  const presence = makePresence({ vat, roster: view });
  const memberOf = (vatId: VatId) => current.members.find(m => m.vatId === vatId);
  const muteClock = makeMuteClock(ended => void adminMethods.endMutes(ended));

  /**
   * Signs and stores a new snapshot, then fans it (with per-member changes).
   * Resolves when every reachable member has taken it, each bounded in time.
   */
  /** Sends a member the signed state (with its part of a change), bounded in time. */
  const tell = (vatId: VatId, link: ERef<MemberLink>, change?: Change) =>
    withTimeout(
      Promise.resolve(E(link).update(signed, ...(change ? [change] : []))),
      limits.introductionTimeoutMs,
      `telling ${short(vatId)}`,
    ).catch(
      () => {}, // an unreachable member catches up when it re-attaches
    );

  const commit = (
    next: Omit<Snapshot<State>, 'cseq'>,
    changes = new Map<VatId, Change>(),
    rosterChanged = true,
    notTold?: VatId,
  ): Promise<void> => {
    // A notice belongs to the one change that made it: changes built from `current` drop it.
    const { notice, ...rest } = next;
    current = harden({
      ...rest,
      ...(notice && notice !== current.notice ? { notice } : {}),
      epoch: rosterChanged ? current.epoch + 1 : current.epoch,
      cseq: current.cseq + 1,
    }) as Snapshot<State>;
    signed = signSnapshot(current, m => vat.sign(m));
    store.save(opts.name, signed);
    muteClock.arm(current.members);
    presence.rosterChanged();
    events.emit('snapshot', current);
    const told = [...records]
      .filter(([vatId]) => vatId !== notTold)
      .map(([vatId, record]) => tell(vatId, record.link, changes.get(vatId)));
    return Promise.all(told).then(() => undefined);
  };

  /** Removes a member (with `patch` to the state, e.g. its ban); resolves once the others have the new roster. */
  const remove = (
    vatId: VatId,
    reason: string,
    patch: Partial<Snapshot<State>> = {},
  ): Promise<void> => {
    const record = records.get(vatId);
    if (!memberOf(vatId)) return Promise.resolve();
    record?.revokeFacet();
    clearTimeout(record?.grace);
    presence.unlink(vatId);
    const removedChange = new Map([[vatId, { removed: reason }]]);
    const told = commit(
      { ...current, ...patch, members: current.members.filter(m => m.vatId !== vatId) },
      removedChange,
    );
    record?.stopWatching?.();
    records.delete(vatId);
    return told;
  };

  /** Removes a member whose session broke unless it comes back within graceMs. */
  const startGrace = (vatId: VatId, link: ERef<MemberLink>) => {
    const record = records.get(vatId);
    if (!record || record.link !== link) return; // it re-attached since
    clearTimeout(record.grace);
    record.grace = setTimeout(
      () =>
        void serial(async () => {
          if (records.get(vatId)?.link !== link) return;
          // Coming back right now: its join decides, and restarts the grace if it fails.
          if (pendingJoins.has(vatId)) return;
          await remove(vatId, `its vat was unreachable for ${limits.graceMs} ms`);
        }),
      limits.graceMs,
    );
    record.grace.unref();
  };
  const watch = (vatId: VatId, link: ERef<MemberLink>) =>
    vat.onPeerBroken(vatId, () => startGrace(vatId, link));

  const makeMemberFacet = (vatId: VatId) => {
    let revoked = false;
    const facet = makeExo(`MemberFacet ${short(vatId)} in ${room}`, MemberFacetI, {
      async leave() {
        if (revoked) throw Error(`[removed] vat ${short(vatId)} is no longer a member of ${room}`);
        revoked = true;
        await serial(() => remove(vatId, 'it left'));
      },
    });
    return {
      facet,
      revoke: () => {
        revoked = true;
      },
    };
  };

  /**
   * The steps of a join that wait on the newcomer (or on the service it is
   * introduced to), taken outside the serial queue and each bounded in time,
   * so a slow or hostile joiner delays nobody else. Nothing here changes the
   * roster; the host's link to the newcomer is undone if the join fails later.
   */
  const prepareJoin = async (vatId: VatId, link: ERef<MemberLink>) => {
    const step = <T>(what: string, promise: Promise<T>) =>
      withTimeout(promise, limits.introductionTimeoutMs, `${what} ${short(vatId)}`);
    // Services first: if one cannot be introduced, the join fails before the roster changes.
    const services = opts.introduce
      ? await step('introducing services to', opts.introduce(vatId))
      : {};
    // Our own presence's link to the member, for its requests to the host.
    const ownGift = await step(
      'asking for an inbox:',
      Promise.resolve(E(link).inboxGiftFor(vat.id)),
    );
    const inbox = await step('redeeming the inbox of', vat.redeem<PeerInbox>(ownGift));
    await step('linking to', presence.link(vatId, inbox));
    const others = [...records.keys()].filter(other => other !== vatId);
    const fromNewcomer = await giftsFromNewcomer(link, others, limits.introductionTimeoutMs);
    return { services, fromNewcomer };
  };

  const join = async (
    vatId: VatId,
    request: {
      name: string;
      address: string;
      link: unknown;
      monitor?: boolean;
      reattach?: boolean;
    },
  ): Promise<JoinResult> => {
    if (vatId === vat.id) throw ownRoom(vat.id, JSON.stringify(current.name));
    const link = request.link as ERef<MemberLink>;
    const name = normaliseName(request.name);
    const admission = () => {
      const removal = store.removal(opts.name, vatId);
      checkAdmission(current, {
        vatId,
        name,
        reattach: request.reattach === true,
        removal,
        open,
        capacity,
      });
      return removal;
    };
    const existing = current.members.find(m => m.vatId === vatId);
    // One name per vat per room: a second join under another name would
    // rename it silently and leave two memberships in that vat.
    if (existing && existing.name !== name)
      throw Error(
        `[already-member] vat ${short(vatId)} is already in ${JSON.stringify(current.name)} as ${JSON.stringify(existing.name)}; to join as ${JSON.stringify(name)}, leave first`,
      );
    if (!existing) admission(); // refused at once, before any work for it
    if (pendingJoins.has(vatId))
      throw Error(
        `[busy] vat ${short(vatId)} already has a join in progress in ${JSON.stringify(current.name)}; wait for it to finish`,
      );
    if (pendingJoins.size >= limits.maxPendingJoins)
      throw Error(
        `[busy] ${JSON.stringify(current.name)} has ${pendingJoins.size} joins in progress; try again in a moment`,
      );
    pendingJoins.add(vatId);
    try {
      const prepared = await prepareJoin(vatId, link).catch(error => {
        if (!records.has(vatId)) presence.unlink(vatId);
        throw error;
      });
      return await serial(() => admit(vatId, request, link, name, admission, prepared));
    } catch (error) {
      const record = records.get(vatId);
      if (record?.grace) startGrace(vatId, record.link); // a member whose return failed is still away
      throw error;
    } finally {
      pendingJoins.delete(vatId);
    }
  };

  /** The serial part of a join: admission again (the room may have changed), then the roster. */
  const admit = async (
    vatId: VatId,
    request: { address: string; monitor?: boolean },
    link: ERef<MemberLink>,
    name: string,
    admission: () => string | undefined,
    prepared: Awaited<ReturnType<typeof prepareJoin>>,
  ): Promise<JoinResult> => {
    const already = memberOf(vatId);
    if (!already) {
      let removal: string | undefined;
      try {
        removal = admission();
      } catch (error) {
        presence.unlink(vatId);
        throw error;
      }
      if (removal !== undefined) store.dropRemoval(opts.name, vatId);
    }
    const previous = records.get(vatId);
    previous?.revokeFacet();
    previous?.stopWatching?.();
    clearTimeout(previous?.grace);
    const { facet, revoke } = makeMemberFacet(vatId);
    const pairs = await introducePeers(
      vatId,
      link,
      records,
      prepared.fromNewcomer,
      limits.introductionTimeoutMs,
    );
    records.set(vatId, { link, revokeFacet: revoke, stopWatching: watch(vatId, link) });
    const member: Member = already
      ? { ...already, address: request.address }
      : {
          vatId,
          name,
          role: request.monitor ? 'monitor' : 'member',
          address: request.address,
          joinedAt: current.epoch + 1,
          muted: false,
        };
    const changes = new Map<VatId, Change>(
      pairs.map(p => [p.other, { linkTo: [{ vatId, gift: p.toNewcomer }] }]),
    );
    // Existing members first: they learn of the newcomer (and get its gift) before it can speak.
    // The newcomer gets this state in its join result, so the fan-out does not wait on it.
    const members = already
      ? current.members.map(m => (m.vatId === vatId ? member : m))
      : [...current.members, member];
    await commit({ ...current, members }, changes, !already, vatId);
    const peers: PeerGift[] = pairs.map(p => ({ vatId: p.other, gift: p.toOther }));
    return harden({
      services: prepared.services,
      member: facet,
      snapshot: signed,
      peers,
      hostInbox: presence.inboxGiftFor(vatId, limits.inboxGiftTtlMs),
    });
  };

  const invite = vat.exportPerPeer(
    peer =>
      makeExo(`Join ${room} for ${short(peer)}`, JoinI, {
        describe: () => harden({ room, type: current.type, name: current.name, host: vat.id }),
        join: request =>
          join(
            peer,
            request as {
              name: string;
              address: string;
              link: unknown;
              monitor?: boolean;
              reattach?: boolean;
            },
          ),
      }),
    { name: `unum:${opts.name}` },
  );

  // Critical requests arrive as signed envelopes to the host presence.
  presence.on('message', ({ envelope }) => {
    const { kind, author } = envelope.header;
    const operation = definition.operations?.[kind];
    if (!operation || author === vat.id) return;
    void serial(async () => {
      const member = memberOf(author);
      if (!member) return;
      let state: State;
      try {
        state = operation(current.state, envelope.wire.content ?? '', member, {
          members: current.members,
        });
      } catch (error) {
        const reason = String((error as Error)?.message ?? error).slice(0, 1000);
        events.emit('refused', harden({ author, kind, reason }));
        // The requester is told at once, with the same signed state (docs/protocol.md §4.7).
        const link = records.get(author)?.link;
        if (link) await tell(author, link, { decided: { request: envelope.id, refused: reason } });
        return;
      }
      const decided = new Map([[author, { decided: { request: envelope.id } }]]);
      await commit({ ...current, state: harden(state) }, decided, false);
    });
  });

  const adminMethods = makeAdminMethods<State>({
    serial,
    current: () => current,
    signed: () => signed,
    commit,
    remove,
    ...(opts.checkRuleset ? { checkRuleset: opts.checkRuleset } : {}),
    saveRemoval: (vatId, reason) => store.saveRemoval(opts.name, vatId, reason),
    setCapacity(n) {
      store.saveCapacity(opts.name, n);
      capacity = n;
    },
    setOpen(isOpen) {
      store.saveOpen(opts.name, isOpen);
      open = isOpen;
    },
  });
  const { endMutes: _ended, ...farAdmin } = adminMethods;
  const admin = makeExo(`Admin ${room}`, AdminI, farAdmin);
  muteClock.arm(current.members);

  return harden({
    room,
    invite,
    admin,
    snapshot: () => current,
    signed: () => signed,
    on: (name, listener) => events.on(name, listener),
    close() {
      for (const record of records.values()) clearTimeout(record.grace);
      muteClock.stop();
      presence.close();
    },
  });
};
harden(hostUnum);
