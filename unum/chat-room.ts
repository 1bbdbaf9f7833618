// unum/chat-room.ts: the chat room, the first unum. Its critical state is the
// roster and the ruleset (host-signed); its replicated messages are chat lines
// and whispers, fanned peer to peer. The host sends no chat at all.
import { E, type ERef } from '@endo/far';
import { makeExo } from '@endo/exo';
import { M } from '@endo/patterns';
import type { VatId } from '../captp-transport/index.js';
import { makeEmitter, PUBLIC, WireEnvelopeShape, type Delivery, type Dropped, type KeptEnvelope, type Listener, type PresenceEvents, type PresenceLimits, type PresenceStats, type SendResult } from '../presence/index.js';
import type { Vat } from '../vat/index.js';
import { defineUnum } from './define-unum.js';
import { hostUnum, type Admin, type HostOptions } from './host.js';
import type { UnumLimits } from './limits.js';
import { joinUnum } from './replica.js';
import { sealReport, type SignedReport, type Trigger } from './report.js';
import { makeFilter, type Filter, type FilterHit, type Ruleset } from './filter.js';

/** A member's own report facet at a moderation service (introduced by the host as the `report` service). */
export interface ReportFacet {
  submit(report: SignedReport): unknown;
  /** Lets the service gather context from this member's window (see WitnessI). */
  offerWitness(witness: unknown): void;
}

/**
 * What a member of a moderated room offers its moderation service: the public
 * lines of its window, by author and range, so a report trimmed at the edge
 * or missing lines can be completed (each line verifies on its own).
 * Whispers are never served.
 */
export const WitnessI = M.interface('Witness', {
  range: M.call(M.string({ stringLengthLimit: 52 }), M.number(), M.number()).returns(M.arrayOf(WireEnvelopeShape)),
});
const MAX_WITNESS_RANGE = 256;
import type { Member, SignedSnapshot, Snapshot } from './snapshot.js';

export interface ChatState {
  ruleset: Record<string, unknown>;
}

export const chatRoom = defineUnum<ChatState>({
  type: 'chat-room',
  initialState: { ruleset: {} },
  kinds: ['chat', 'whisper'],
});

/** A verified chat line or whisper, as an app shows it. */
export interface ChatMessage {
  id: string;
  from: VatId;
  /** The sender's name in the roster (its vat id, shortened, once it has left). */
  name: string;
  text: string;
  /** Set on a whisper: its one recipient. */
  to?: VatId;
  ts: number;
  seq: number;
  /** True for history fetched from peers on joining. */
  history: boolean;
  /** Set when a `warn` rule of the room's ruleset matched. */
  flag?: FilterHit;
}

export interface RosterUpdate {
  epoch: number;
  members: Member[];
}

export interface RoomMemberEvents extends Record<string, unknown> {
  message: ChatMessage;
  /** A line the ruleset hides (`hide`, `auto-report`): not shown. */
  filtered: { message: ChatMessage; hit: FilterHit };
  /** A line the ruleset holds aside (`hold`): the app may show it on request. */
  held: { message: ChatMessage; hit: FilterHit };
  /** What the moderation service answered to an automatic report. */
  reported: { hit: FilterHit; result: unknown };
  error: unknown;
  roster: RosterUpdate;
  dropped: Dropped;
  equivocation: PresenceEvents['equivocation'];
  gap: PresenceEvents['gap'];
  removed: { reason: string };
  host: { reachable: boolean };
}

export interface ReportRequest {
  category: string;
  note?: string;
  /** Envelope ids the report is about (from `message` events' `id`). */
  flagged?: string[];
  /** Who is reported; by default the authors of the flagged lines. */
  accused?: VatId[];
  /** What set it off: the panic button (default) or a filter rule. */
  trigger?: Trigger;
}

export interface RoomMember {
  readonly self: VatId;
  readonly room: string;
  /** Signs the line and hands it to every member's presence directly; resolves once fanned out. */
  say(text: string): Promise<SendResult>;
  /** A line only `to` receives. */
  whisper(to: VatId, text: string): Promise<SendResult>;
  on<K extends keyof RoomMemberEvents>(name: K, listener: Listener<RoomMemberEvents[K]>): () => void;
  /** The verified envelopes kept as evidence. */
  window(): KeptEnvelope[];
  /** The members as the host last signed them. */
  roster(): Member[];
  /** Whether the host is reachable; chat goes on either way. */
  hostReachable(): boolean;
  /**
   * Members who may not hear this member now: those its presence has no live
   * link to (their vat went away, or a link broke and was not made again).
   */
  unreachable(): VatId[];
  /**
   * The panic button: signs a report of this member's window (the accused's
   * and flagged lines disclosed, bystanders' withheld, the signed roster
   * attached) and sends it through this member's own report facet at the
   * room's moderation service, or else to the room's report hook. Resolves
   * with what the service answers (its verdict and a signed receipt).
   */
  report(request: ReportRequest): Promise<unknown>;
  /** This member's presence: window size, drops by reason, per-peer queues. */
  stats(): PresenceStats;
  /** Leaves the room: the host removes this member from the roster and the presence closes. */
  leave(): Promise<void>;
  /** Closes this presence without leaving, as if the vat went away. */
  close(): void;
}

export interface Room {
  readonly room: string;
  /** Sturdy ref to the room's join facet. */
  readonly invite: string;
  /** The room owner's admin facet (far). */
  readonly admin: Admin;
  /** The members as this host signs them now. */
  roster(): Member[];
  /** The whole signed state: roster, epoch, bans, ruleset. */
  snapshot(): Snapshot<ChatState>;
  /** The roster as signed by this host (what a moderation service checks reports against). */
  signedRoster(): SignedSnapshot;
  /** Stops hosting (the invite stops working until the room is hosted again). */
  close(): void;
}

export interface CreateRoomOptions extends Omit<HostOptions, 'limits'> {
  limits?: Partial<UnumLimits>;
}

/** Hosts a chat room in `vat`; hosting the same name again after a restart restores it. */
export const createRoom = async (vat: Vat, opts: CreateRoomOptions): Promise<Room> => {
  const hosted = await hostUnum(vat, chatRoom, opts);
  return harden({
    room: hosted.room,
    invite: hosted.invite,
    admin: hosted.admin,
    roster: () => hosted.snapshot().members,
    snapshot: () => hosted.snapshot(),
    signedRoster: () => hosted.signed(),
    close: () => hosted.close(),
  });
};
harden(createRoom);

export interface JoinRoomOptions {
  name: string;
  /** Join as a visible monitor: everyone's roster shows the role. */
  monitor?: boolean;
  limits?: Partial<UnumLimits>;
  presenceLimits?: Partial<PresenceLimits>;
}

/**
 * Joins the room behind `invite` with a presence in `vat`. Recent history
 * arrives from peers as `message` events with `history: true` right after.
 */
export const joinRoom = async (vat: Vat, invite: string, opts: JoinRoomOptions): Promise<RoomMember> => {
  const replica = await joinUnum(vat, chatRoom, invite, opts);
  const { presence } = replica;
  const events = makeEmitter<RoomMemberEvents>();
  let reportFacet: Promise<ERef<ReportFacet>> | undefined;
  const names = new Map<VatId, string>();
  const noteNames = (members: Member[]) => {
    for (const m of members) names.set(m.vatId, m.name);
  };
  noteNames(replica.members());

  const toMessage = ({ envelope, history }: Delivery): ChatMessage | undefined => {
    const { header, wire, id, stream } = envelope;
    if (header.kind !== 'chat' && header.kind !== 'whisper') return undefined;
    return harden({
      id,
      from: header.author,
      name: names.get(header.author) ?? header.author.slice(0, 8),
      text: wire.content ?? '',
      ...(stream === PUBLIC ? {} : { to: stream }),
      ts: header.ts,
      seq: header.seq,
      history,
    });
  };
  // The room's ruleset, compiled once per version.
  let filter: { hash: string; filter: Filter | undefined } = { hash: '', filter: undefined };
  const currentFilter = () => {
    const { rulesetHash, state } = replica.snapshot();
    if (rulesetHash !== filter.hash) {
      const rules = state.ruleset as Partial<Ruleset>;
      filter = { hash: rulesetHash, filter: Array.isArray(rules?.rules) && rules.rules.length ? makeFilter(rules as Ruleset) : undefined };
    }
    return filter;
  };
  presence.on('message', delivery => {
    const message = toMessage(delivery);
    if (!message) return;
    const { hash, filter: active } = currentFilter();
    const hit = message.from === vat.id ? undefined : active?.check(message.text);
    if (!hit) events.emit('message', message);
    else if (hit.action === 'warn') events.emit('message', harden({ ...message, flag: hit }));
    else if (hit.action === 'hold') events.emit('held', harden({ message, hit }));
    else {
      events.emit('filtered', harden({ message, hit }));
      if (hit.action === 'auto-report' && !message.history) {
        member
          .report({ category: hit.category, flagged: [message.id], trigger: { kind: 'filter', rule: hit.rule, rulesetHash: hash } })
          .then(
            result => events.emit('reported', harden({ hit, result })),
            error => events.emit('error', error),
          );
      }
    }
  });
  for (const name of ['dropped', 'equivocation', 'gap'] as const) {
    presence.on(name, event => events.emit(name, event as never));
  }
  replica.on('snapshot', snapshot => {
    noteNames(snapshot.members);
    events.emit('roster', harden({ epoch: snapshot.epoch, members: snapshot.members }));
  });
  replica.on('removed', event => events.emit('removed', event));
  replica.on('host', event => events.emit('host', event));
  // History comes from peers once the caller has had its turn to listen:
  // `message` events with `history: true`, soon after joinRoom resolves.
  setImmediate(() => void presence.fetchHistory());
  const witness = makeExo(`Witness ${vat.id.slice(0, 8)} in ${replica.room}`, WitnessI, {
    range(author, fromSeq, toSeq) {
      const to = Math.min(toSeq, fromSeq + MAX_WITNESS_RANGE - 1);
      return harden(
        presence
          .window()
          .map(k => k.envelope)
          .filter(e => e.stream === PUBLIC && e.header.author === author && e.header.seq >= fromSeq && e.header.seq <= to)
          .map(e => e.wire),
      );
    },
  });
  const reportService = () => {
    const gift = replica.services().report;
    if (gift && !reportFacet) {
      const facet = vat.redeem<ReportFacet>(gift).then(async f => {
        await E(f).offerWitness(witness);
        return f;
      });
      reportFacet = facet;
      facet.catch(() => {
        if (reportFacet === facet) reportFacet = undefined; // try again at the next report
      });
    }
    return reportFacet;
  };
  // Set up before the join resolves, so moderation traffic never mixes with chat.
  await reportService()?.catch(() => undefined);

  const member: RoomMember = harden({
    self: vat.id,
    room: replica.room,
    say: async (text: string) => presence.send('all', 'chat', text),
    async whisper(to: VatId, text: string) {
      if (!replica.members().some(m => m.vatId === to)) {
        throw Error(`[not-a-member] vat ${to.slice(0, 8)} is not in the room`);
      }
      return presence.send({ to }, 'whisper', text);
    },
    on: (name, listener) => events.on(name, listener),
    window: () => presence.window(),
    roster: () => replica.members(),
    hostReachable: () => replica.hostReachable(),
    unreachable() {
      const linked = new Set(presence.linked());
      return harden(replica.members().filter(m => m.vatId !== vat.id && !linked.has(m.vatId)).map(m => m.vatId));
    },
    async report(request: ReportRequest) {
      const window = presence.window();
      const flagged = [...(request.flagged ?? [])];
      const accused =
        request.accused ?? [...new Set(window.filter(k => flagged.includes(k.envelope.id)).map(k => k.envelope.header.author))].filter(a => a !== vat.id);
      const signed = sealReport(
        {
          room: replica.room,
          epoch: replica.snapshot().epoch,
          reporter: vat.id,
          accused,
          category: request.category,
          note: request.note ?? '',
          trigger: request.trigger ?? { kind: 'panic' },
          flagged,
          window,
          roster: replica.signedSnapshot(),
        },
        m => vat.sign(m),
      );
      const facet = reportService();
      if (!facet) return replica.report(signed as unknown as Record<string, unknown>);
      return E(await facet).submit(signed);
    },
    stats: () => presence.stats(),
    leave: () => replica.leave(),
    close: () => replica.close(),
  });
  return member;
};
harden(joinRoom);
