// moderation/moderated-member.ts: the member's side of moderation, plugged
// into the chat room through its extension point (unum/room-extension.ts).
// It applies the room's signed ruleset to each line received (filter.ts),
// reports by itself on an `auto-report` hit, offers the moderation service a
// witness of its window, and adds the panic button: `report()` seals the
// window (report.ts) and sends it through this member's own report facet,
// a gift the host introduced as the `report` service.
import { E, type ERef } from '@endo/far';
import type { TypeFromInterfaceGuard } from '@endo/patterns';
import type { VatId } from '../captp-transport/index.js';
import {
  joinRoom as joinChatRoom,
  type ChatMessage,
  type JoinRoomOptions,
  type MemberContext,
  type MemberExtension,
  type RoomMember,
} from '../unum/index.js';
import type { Outcome } from './cases.js';
import type { ReportFacetI } from './facets.js';
import { makeFilter, type Filter, type FilterHit, type Ruleset } from './filter.js';
import { sealReport, type SignedReport, type Trigger } from './report.js';
import type { Vat } from '../vat/index.js';
import { makeWitness } from './witness.js';

/** What a member uses of its report facet (facets.ts ReportFacetI), or of a room's report hook (room.ts). */
export type ReportFacet = Pick<
  TypeFromInterfaceGuard<typeof ReportFacetI>,
  'submit' | 'offerWitness' | 'outcomes'
>;

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

export interface ModerationEvents extends Record<string, unknown> {
  /** A line the ruleset hides (`hide`, `auto-report`): not shown. */
  filtered: { message: ChatMessage; hit: FilterHit };
  /** A line the ruleset holds aside (`hold`): the app may show it on request. */
  held: { message: ChatMessage; hit: FilterHit };
  /** What the moderation service answered to an automatic report. */
  reported: { hit: FilterHit; result: unknown };
}

export interface ModerationApi {
  /**
   * The panic button: signs a report of this member's window (the accused's
   * and flagged lines disclosed, bystanders' withheld, the signed roster
   * attached) and sends it through this member's own report facet. Resolves
   * with what the service answers (its verdict and a signed receipt).
   * Throws `[no-moderation]` in a room that takes no reports.
   */
  report(request: ReportRequest): Promise<unknown>;
  /**
   * What auditors decided on the cases this member's reports are in, after
   * log entry `after` (0: all), kept by the service until asked; waits up to
   * `waitMs` (at most 60 s) when there is none yet. Throws `[no-moderation]`.
   */
  outcomes(after: number, waitMs: number): Promise<Outcome[]>;
}

/** A room member with moderation: the panic button, filter events. */
export type ModeratedMember = RoomMember<ModerationEvents> & ModerationApi;

/** The room's ruleset, compiled once per version (its hash in the signed state). */
const makeRulesetCache = (context: MemberContext<ModerationEvents>) => {
  let cached: { hash: string; filter: Filter | undefined } = { hash: '', filter: undefined };
  return () => {
    const { rulesetHash, state } = context.snapshot();
    if (rulesetHash !== cached.hash) {
      const rules = state.ruleset as Partial<Ruleset>;
      cached = {
        hash: rulesetHash,
        filter:
          Array.isArray(rules?.rules) && rules.rules.length
            ? makeFilter(rules as Ruleset)
            : undefined,
      };
    }
    return cached;
  };
};

/**
 * The member's report facet, redeemed from the `report` service gift: once,
 * again after a failure, and again when the host introduced a new gift (it
 * does at each re-attach, e.g. after it restarted).
 */
/** Failures that mean the moderation service's vat went away (or came back without our gift). */
const SERVICE_GONE =
  /^\[(disconnected|connection-lost|heartbeat-lost|unreachable|unknown-gift|closed|replaced)\]/;

const makeReportService = (context: MemberContext<ModerationEvents>) => {
  const { vat, room } = context;
  const witness = makeWitness(`${vat.id.slice(0, 8)} in ${room}`, () => context.window());
  let facet: { gift: string; redeeming: Promise<ERef<ReportFacet>> } | undefined;
  return () => {
    const gift = context.services().report;
    if (gift && facet?.gift !== gift) {
      const redeeming = vat.redeem<ReportFacet>(gift).then(async f => {
        await E(f).offerWitness(witness);
        return f;
      });
      const current = { gift, redeeming };
      facet = current;
      redeeming.catch(() => {
        if (facet === current) facet = undefined; // try again at the next report
      });
    }
    return facet?.redeeming;
  };
};

const sealFrom = (
  context: MemberContext<ModerationEvents>,
  request: ReportRequest,
): SignedReport => {
  const { vat } = context;
  const window = context.window();
  const flagged = [...(request.flagged ?? [])];
  const accused =
    request.accused ??
    [
      ...new Set(
        window.filter(k => flagged.includes(k.envelope.id)).map(k => k.envelope.header.author),
      ),
    ].filter(a => a !== vat.id);
  return sealReport(
    {
      room: context.room,
      epoch: context.snapshot().epoch,
      reporter: vat.id,
      accused,
      category: request.category,
      note: request.note ?? '',
      trigger: request.trigger ?? { kind: 'panic' },
      flagged,
      window,
      roster: context.signedSnapshot(),
    },
    m => vat.sign(m),
  );
};

export const moderatedMember: MemberExtension<ModerationApi, ModerationEvents> = harden({
  async attach(context: MemberContext<ModerationEvents>) {
    const reportService = makeReportService(context);
    const currentFilter = makeRulesetCache(context);
    /** Calls the member's report facet, once more after the service restarted (its gift is then new). */
    const withFacet = async <T>(call: (facet: ERef<ReportFacet>) => Promise<T>): Promise<T> => {
      const facet = reportService();
      if (!facet) {
        const { name } = context.snapshot();
        throw Error(
          `[no-moderation] room ${JSON.stringify(name)} takes no reports: its host runs it without a moderation service`,
        );
      }
      try {
        return await call(await facet);
      } catch (error) {
        // The service restarted: the facet's session is gone, and so is its gift.
        // The host introduces it again; the call goes once more.
        if (!SERVICE_GONE.test((error as Error).message)) throw error;
        await context.refreshServices();
        const again = reportService();
        if (!again) throw error;
        return call(await again);
      }
    };
    const report = async (request: ReportRequest) => {
      const signed = sealFrom(context, request);
      return withFacet(facet => E(facet).submit(signed));
    };
    const outcomes = (after: number, waitMs: number) =>
      withFacet(facet => E(facet).outcomes(after, waitMs)) as Promise<Outcome[]>;
    const autoReport = (message: ChatMessage, hit: FilterHit, rulesetHash: string) => {
      report({
        category: hit.category,
        flagged: [message.id],
        trigger: { kind: 'filter', rule: hit.rule, rulesetHash },
      }).then(
        result => context.emit('reported', harden({ hit, result })),
        error => (context.emit as (name: string, event: unknown) => void)('error', error),
      );
    };
    const screen = (message: ChatMessage): ChatMessage | undefined => {
      const { hash, filter } = currentFilter();
      const hit = message.from === context.vat.id ? undefined : filter?.check(message.text);
      if (!hit) return message;
      if (hit.action === 'warn') return harden({ ...message, flag: hit });
      if (hit.action === 'hold') context.emit('held', harden({ message, hit }));
      else {
        context.emit('filtered', harden({ message, hit }));
        if (hit.action === 'auto-report' && !message.history) autoReport(message, hit, hash);
      }
      return undefined;
    };
    // Set up before the join resolves, so moderation traffic never mixes with chat.
    await reportService()?.catch(() => undefined);
    return { hooks: { message: screen }, api: { report, outcomes } };
  },
});

/**
 * Joins the room behind `invite` with moderation on the member's side: the
 * room's ruleset filters what arrives, and `report()` is the panic button.
 */
export const joinRoom = (
  vat: Vat,
  invite: string,
  opts: JoinRoomOptions,
): Promise<ModeratedMember> => joinChatRoom(vat, invite, { ...opts, extension: moderatedMember });
harden(joinRoom);
