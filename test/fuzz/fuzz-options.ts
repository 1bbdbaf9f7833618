// How many cases a property runs and from which seed. `npm test` runs each
// property a short, fixed-seed pass; `npm run fuzz` sets STOA_FUZZ_RUNS (at
// least 10,000) and a fresh seed, printed so a failure can be replayed with
// STOA_FUZZ_SEED=<seed>. fast-check prints the seed and path of any failure.
import fc from 'fast-check';

const envInt = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw Error(`[bad-option] ${name} must be an integer, got ${raw}`);
  return n;
};

const FIXED_SEED = 20261201;
const seed =
  envInt('STOA_FUZZ_SEED') ?? (envInt('STOA_FUZZ_RUNS') ? Date.now() % 2 ** 31 : FIXED_SEED);

/** Whether this is a long `npm run fuzz` pass rather than the short one in `npm test`. */
export const longFuzz = envInt('STOA_FUZZ_RUNS') !== undefined;

/** fast-check options for one property: `shortRuns` in `npm test`, STOA_FUZZ_RUNS under `npm run fuzz`. */
export const fuzzOptions = (shortRuns: number) =>
  ({ numRuns: envInt('STOA_FUZZ_RUNS') ?? shortRuns, seed }) as const;

export const fuzzSeed = seed;

/**
 * Runs a fast-check property and, on failure, rethrows with the message cut
 * short (a counterexample can be megabytes of generated text); the seed and
 * shrink path stay in it, so `STOA_FUZZ_SEED=<seed>` replays the failure.
 */
export const assertProperty = async <Ts>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  options: fc.Parameters<Ts>,
): Promise<void> => {
  try {
    await fc.assert(property as fc.IAsyncProperty<Ts>, options);
  } catch (error) {
    const message = String((error as Error).message);
    throw Error(message.length > 4000 ? `${message.slice(0, 4000)}… (cut)` : message);
  }
};
