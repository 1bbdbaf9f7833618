// moderation/duration.ts: how long a mute or ban lasts, written the same way
// on the dashboard and in `stoa audit act --duration`: `90s`, `10m`, `2h`,
// `3d`, `1w`, sums like `1h30m`, or `0` / `forever` for no end.
const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const FOREVER = /^(0|forever|for good)$/i;
const PART = /(\d+)\s*([smhdw])/gy;

/** Milliseconds for `text`, 0 for no end. Throws `[usage]` naming what it accepts. */
export const parseDuration = (text: string): number => {
  const given = text.trim().toLowerCase();
  if (FOREVER.test(given)) return 0;
  let total = 0;
  let end = 0;
  PART.lastIndex = 0;
  for (let part = PART.exec(given); part; part = PART.exec(given)) {
    total += Number(part[1]) * UNITS[part[2]!]!;
    end = PART.lastIndex;
    while (given[end] === ' ') end += 1;
    PART.lastIndex = end;
  }
  if (!given || end !== given.length || !Number.isSafeInteger(total) || total <= 0)
    throw Error(
      `[usage] ${JSON.stringify(text.slice(0, 40))} is not a duration: write for example 10m, 2h, 3d or 1h30m (s, m, h, d, w), or 0 for no end`,
    );
  return total;
};
harden(parseDuration);

/** The same duration in words, largest units first: `1 h 30 min`, or `no end`. */
export const describeDuration = (ms: number): string => {
  if (!ms) return 'no end';
  const parts: string[] = [];
  let left = ms;
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(left / size);
    if (n) parts.push(`${n} ${unit}`);
    left -= n * size;
  }
  return parts.join(' ') || `${ms} ms`;
};
harden(describeDuration);
