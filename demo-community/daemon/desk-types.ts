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
}

/** A member as the console and the page list them. */
export interface DeskMember {
  name: string;
  vatId: string;
  role: string;
  muted: boolean;
  /** This vat's own entry. */
  self: boolean;
  /** False when this vat has no live link to theirs: they may not hear you. */
  reachable: boolean;
}
