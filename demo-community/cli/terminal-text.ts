// demo-community/cli/terminal-text.ts: what peers send is neutralised before
// it reaches a terminal. Control characters (escape sequences among them:
// clearing the screen, setting the title, faking notices), bidi overrides and
// invisible characters are shown as visible `\u{…}` text instead, so a
// member sees that something odd was sent rather than its effect.
// Controls (C0, DEL, C1) and format characters (bidi controls, zero-width
// spaces, BOM), but not the joiner that emoji sequences use; line separators.
const UNSAFE = /(?!\u200d)[\p{Cc}\p{Cf}\u2028\u2029]/gu;

export const terminalText = (text: unknown): string =>
  String(text).replace(UNSAFE, ch => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
harden(terminalText);
