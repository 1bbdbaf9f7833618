// demo-community/daemon/desk-types.ts: what the room desk answers, as the
// terminal chat and the web page read it. Types only, with no imports, so the
// page's bundle can share them.

/** A line as the console and the page show it. */
export interface DeskLine {
  id: string;
  /** The author's vat id. */
  from: string;
  name: string;
  text: string;
  ts: number;
  /** This vat's own line. */
  mine: boolean;
  /** A whisper: the name of its one recipient. */
  whisperTo?: string;
  /** Hidden by the room's ruleset (the rule's id); the text is kept for the owner only. */
  hiddenBy?: string;
  /** A `warn` rule matched. */
  warnedBy?: string;
  /** Not chat: what a moderation change did, from the host-signed roster (`text` says it in words). */
  notice?: DeskNotice;
  /** Not chat: an auditor decided on a case this vat reported in (`text` says it in words). */
  outcome?: DeskOutcome;
}

/** A kick, ban, unban, mute or unmute, as the signed roster change carried it. */
export interface DeskNotice {
  what: 'kick' | 'ban' | 'unban' | 'mute' | 'unmute';
  /** The member's name, `""` when the host no longer knew it. */
  name: string;
  /** It is about this vat. */
  self: boolean;
  reason: string;
  /** When a mute or ban ends; 0 for no end. */
  until: number;
}

/** An auditor's decision on a case this vat reported in. */
export interface DeskOutcome {
  caseId: string;
  /** `mute`, `kick`, `ban`, `unmute`, `unban` or `dismiss`. */
  action: string;
  targetName?: string;
  reason: string;
  durationMs: number;
  /** Its moderation log entry. */
  entry: number;
  ts: number;
}

/** What a report this vat sent came back with (kept in the store). */
export interface DeskReceipt {
  room: string;
  at: number;
  category: string;
  accused: string[];
  /** `panic` for the member's own button, else the rule that reported by itself. */
  trigger: string;
  verdict?: string;
  caseId?: string;
  receipt?: { index: number; size: number; root: string };
  error?: string;
  /** The latest decision on the case, once an auditor made one. */
  outcome?: DeskOutcome;
}

/** A member as the console and the page list them. */
export interface DeskMember {
  name: string;
  vatId: string;
  role: string;
  muted: boolean;
  /** With `muted`: when the mute ends (0: no end) and why. */
  mutedUntil?: number;
  muteReason?: string;
  /** This vat's own entry. */
  self: boolean;
  /** False when this vat has no live link to theirs: they may not hear you. */
  reachable: boolean;
}
