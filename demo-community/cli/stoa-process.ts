// demo-community/cli/stoa-process.ts: `stoa vat start` in a child process,
// for the examples, the tests and the benches that need a real vat elsewhere.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnVat, type SpawnVatOptions, type VatProcess } from '../../harness/spawn-vat.js';

/** The `stoa` CLI, run the way this module runs: compiled .js, or .ts under tsx. */
export const STOA_CLI_PATH = fileURLToPath(
  new URL(`./stoa${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/** Starts `stoa vat start` (with `args` after it) and waits until the vat is ready. */
export const spawnStoaVat = (opts: Omit<SpawnVatOptions, 'program'>): Promise<VatProcess> =>
  spawnVat({ ...opts, program: STOA_CLI_PATH, args: ['vat', 'start', ...(opts.args ?? [])] });
harden(spawnStoaVat);
