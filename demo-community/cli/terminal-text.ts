// demo-community/cli/terminal-text.ts: what peers send is neutralised before
// it reaches a terminal. Control characters (escape sequences among them:
// clearing the screen, setting the title, faking notices), bidi overrides and
// invisible characters are shown as visible `\u{…}` text instead, so a
// member sees that something odd was sent rather than its effect.
// Controls (C0, DEL, C1) and format characters (bidi controls, zero-width
// spaces, BOM), but not the joiner that emoji sequences use; line separators.
const UNSAFE_CLASS = '[\\p{Cc}\\p{Cf}\\u2028\\u2029]';
const UNSAFE = new RegExp(`(?!\\u200d)${UNSAFE_CLASS}`, 'gu');
/** UNSAFE but for the newline: raw in JSON only as layout, between tokens. */
const UNSAFE_IN_JSON = new RegExp(`(?!\\u200d|\\n)${UNSAFE_CLASS}`, 'gu');

export const terminalText = (text: unknown): string =>
  String(text).replace(UNSAFE, ch => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
harden(terminalText);

/** `\uXXXX` for each UTF-16 unit of `ch`: a JSON escape of the same text. */
const jsonEscape = (ch: string): string =>
  Array.from(
    { length: ch.length },
    (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`,
  ).join('');

/**
 * JSON for a terminal (bigints written as `"Nn"`): the same value for any JSON
 * reader, but what JSON.stringify leaves raw and a terminal may obey (C1
 * controls, bidi and other format characters, line separators) is escaped.
 */
export const terminalJson = (value: unknown, space?: number): string =>
  (
    JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v), space) ?? 'null'
  ).replace(UNSAFE_IN_JSON, jsonEscape);
harden(terminalJson);
