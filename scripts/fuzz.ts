// npm run fuzz — every fuzzed surface (test/fuzz/) at STOA_FUZZ_RUNS cases
// (default 10,000) from a fresh seed, printed first so a failure can be
// replayed with STOA_FUZZ_SEED=<seed>. Prints, per surface, the cases run,
// the outcomes by refusal code, and whether it still answered afterwards.
// Exits non-zero on any crash, uncoded failure or surface left unanswering.
import '../vat/lockdown.js';
import '@endo/eventual-send/shim.js';

process.env.STOA_FUZZ_RUNS ??= '10000';
if (Number(process.env.STOA_FUZZ_RUNS) < 1)
  throw Error('[bad-option] STOA_FUZZ_RUNS must be at least 1');
const { fuzzSeed } = await import('../test/fuzz/fuzz-options.js');
const { DECODERS } = await import('../test/fuzz/decoders.js');
const { captpSurface, consoleSurface, pageSurfaces, relaySurface } = await import(
  '../test/fuzz/network.js'
);
const { dashboardSurface } = await import('../test/fuzz/dashboard.js');
const { doorSurface } = await import('../test/fuzz/replica-door.js');
const { runSurface } = await import('../test/fuzz/run-surface.js');

console.log(`fuzz: ${process.env.STOA_FUZZ_RUNS} cases per surface, seed ${fuzzSeed}`);
const started = Date.now();
const results = [];
let failed = false;
const groups: Array<() => Promise<Array<import('../test/fuzz/decoders.js').Surface>>> = [
  ...DECODERS.map(surface => async () => [surface]),
  async () => [await captpSurface()],
  async () => [await relaySurface()],
  pageSurfaces, // the page surface closes the server the http one also used
  async () => [await consoleSurface()],
  async () => [await dashboardSurface()],
  async () => [await doorSurface()],
];
for (const make of groups)
  for (const surface of await make()) {
    try {
      const result = await runSurface(surface, 1);
      results.push(result);
      if (!result.alive) failed = true;
      console.log(
        `${result.surface.padEnd(26)} ${String(result.cases).padStart(6)} cases  alive ${result.alive ? 'yes' : 'NO '}  ${Object.entries(
          result.outcomes,
        )
          .sort((a, b) => b[1] - a[1])
          .map(([code, n]) => `${code} ${n}`)
          .join(', ')}`,
      );
    } catch (error) {
      failed = true;
      console.log(`${surface.name.padEnd(26)} FAILED: ${(error as Error).message.slice(0, 2000)}`);
    }
  }
console.log(
  `fuzz: ${results.length} surfaces in ${Math.round((Date.now() - started) / 1000)} s; seed ${fuzzSeed}`,
);
process.exit(failed ? 1 : 0);
