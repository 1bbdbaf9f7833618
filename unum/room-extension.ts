// unum/room-extension.ts: the one extension point of the chat room, so that
// what rides on a room (moderation today; replicas and shared worlds next)
// plugs in without the room knowing of it. A room has at most one extension
// per side; an extension that needs several concerns composes them itself.
//
// Host side: services introduced to each joining member (gift URIs the member
// redeems directly), a check on rulesets before the host signs them, and each
// newly signed state. Member side: each verified line before the app sees it,
// each newer roster, the member's removal, events of the extension's own, and
// methods it adds to the member object.
import type { VatId } from '../captp-transport/index.js';
import type { KeptEnvelope } from '../presence/index.js';
import type { Vat } from '../vat/index.js';
import type {
  HeldSignature,
  HeldSnapshot,
  Member,
  Notice,
  SignedSnapshot,
  Snapshot,
} from './snapshot.js';

/** Why an extension marked a line it lets through (e.g. a filter's `warn` rule). */
export interface LineFlag {
  rule: string;
  action: string;
  category: string;
}

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
  /** Set when the room's extension marked the line (a `warn` rule of the ruleset). */
  flag?: LineFlag;
}

export interface RosterUpdate {
  epoch: number;
  members: Member[];
  /** What the moderation change that made this roster did (a kick, ban, unban, mute or unmute). */
  notice?: Notice;
}

export interface HostExtension {
  /**
   * Services for a joining member: name -> a gift URI minted for it (its
   * report facet at a moderation service, say). Asked before the roster
   * admits the member, so a failure refuses the join and changes nothing.
   */
  introduce?(member: VatId): Promise<Record<string, string>>;
  /** Checks a ruleset before the host signs it into the room's state; throws to refuse it. */
  checkRuleset?(ruleset: Record<string, unknown>): void;
  /** Each newly signed state of the room (joins, leaves, kicks, bans, mutes, rulesets). */
  signed?(snapshot: Snapshot, signed: SignedSnapshot): void;
}

/** What a member-side extension may see and do; given to `attach` before the join resolves. */
export interface MemberContext<Events extends Record<string, unknown>> {
  readonly vat: Vat;
  readonly room: string;
  /** Gift URIs of the services the host introduced to this member. */
  services(): Record<string, string>;
  /** Has the host introduce the services again (after one restarted); `services()` then holds new gifts. */
  refreshServices(): Promise<void>;
  /** The verified envelopes this member's presence keeps. */
  window(): KeptEnvelope[];
  /** The newest host-signed state this member holds, and its signed form. */
  snapshot(): HeldSnapshot<{ ruleset: Record<string, unknown> }>;
  signedSnapshot(): HeldSignature;
  /** Tells the member's listeners an event of the extension's own. */
  emit<K extends keyof Events>(name: K, event: Events[K]): void;
}

export interface MemberHooks {
  /**
   * Sees each verified line first. Returns the line to show (it may carry a
   * `flag`), or undefined to keep it from `message` listeners (the extension
   * then says why in an event of its own).
   */
  message?(message: ChatMessage): ChatMessage | undefined;
  /** Each newer signed roster this member adopted. */
  roster?(update: RosterUpdate): void;
  /** This member left or was removed. */
  removed?(reason: string): void;
}

/**
 * A member-side extension: `attach` runs as the member joins, before
 * joinRoom resolves, and returns its hooks and the methods (`api`) it adds to
 * the member; `Events` are the events it may emit.
 */
export interface MemberExtension<Api extends object, Events extends Record<string, unknown>> {
  attach(context: MemberContext<Events>): Promise<{ hooks: MemberHooks; api: Api }>;
}
