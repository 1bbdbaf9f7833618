// presence/heads.ts: which heads a public envelope names (docs/protocol.md
// §5.6). Each named head costs its bytes in every copy of the line, so a peer
// another named head already implies is left out: if the line we name as
// B's head itself named C at seq s or later, showing ours after B's shows it
// after C's s too (receivers show B's line only after its own heads).
import type { Head } from './envelope.js';

/**
 * `moved`: the peers whose public head moved since we last named them, the
 * most recent deliverer first. `headsOf` gives the heads a named envelope
 * itself carries (undefined if we no longer keep it). Returns the heads to
 * name, sorted by author, and the implied ones (counted as named).
 */
export const chooseHeads = (
  moved: readonly Head[],
  headsOf: (head: Head) => readonly Head[] | undefined,
  maxHeads: number,
): { named: Head[]; implied: Head[] } => {
  const covered = new Map<string, Head>();
  for (const head of moved)
    for (const inner of headsOf(head) ?? []) {
      const best = covered.get(inner[0]);
      if (!best || inner[1] > best[1]) covered.set(inner[0], inner);
    }
  const isImplied = ([author, seq, id]: Head) => {
    const by = covered.get(author);
    return by !== undefined && (by[1] > seq || (by[1] === seq && by[2] === id));
  };
  const implied = moved.filter(isImplied);
  const named = moved
    .filter(head => !isImplied(head))
    .slice(0, maxHeads)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return { named, implied };
};
harden(chooseHeads);
