// demo-community/puzzle/motion.ts: estimation for state that only has to look
// right (Fitch): a peer's cursor, and the piece it drags, arrive a few times a
// second; between updates a receiver draws them interpolated, `delayMs`
// behind the newest update, so motion stays smooth at low rates. Past the
// newest update it holds still there: guessing ahead (dead reckoning) would
// overshoot whenever the mover stops, and stay wrong until its next update.
export interface Sample {
  t: number;
  x: number;
  y: number;
}

export interface Track {
  add(sample: Sample): void;
  /** Where to draw it at `now`; undefined before the first sample. */
  at(now: number): { x: number; y: number } | undefined;
}

export const makeTrack = ({ delayMs = 100 } = {}): Track => {
  const samples: Sample[] = [];
  return {
    add(sample) {
      const last = samples.at(-1);
      if (last && sample.t <= last.t) return; // out of order: the newer one stands
      samples.push(sample);
      if (samples.length > 3) samples.shift();
    },
    at(now) {
      const t = now - delayMs;
      const after = samples.findIndex(s => s.t > t);
      if (after < 0) {
        const last = samples.at(-1);
        return last && { x: last.x, y: last.y };
      }
      const next = samples[after]!;
      const before = samples[after - 1];
      if (!before) return { x: next.x, y: next.y };
      const f = (t - before.t) / (next.t - before.t);
      return { x: before.x + (next.x - before.x) * f, y: before.y + (next.y - before.y) * f };
    },
  };
};
