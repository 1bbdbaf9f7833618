// A short, seeded fuzzing pass over the decoders a peer's data reaches (the
// long one is `npm run fuzz`): every case is accepted or refused with a
// `[code]`, never a crash. A failure prints its seed and shrunk case.
import test from '@endo/ses-ava/prepare-endo.js';
import { DECODERS } from './decoders.js';
import { runSurface } from './run-surface.js';

for (const surface of DECODERS) {
  test(`fuzz: ${surface.name}`, async t => {
    const result = await runSurface(surface, 300);
    t.true(result.cases >= 300);
    t.log(JSON.stringify(result.outcomes));
  });
}
