// Runs one fuzzed surface: every case must end `accepted` or with a `[code]`
// refusal; outcomes are counted, and afterwards the surface must still answer.
import fc from 'fast-check';
import type { Surface } from './decoders.js';
import { assertProperty, fuzzOptions } from './fuzz-options.js';

export interface SurfaceResult {
  surface: string;
  cases: number;
  outcomes: Record<string, number>;
  alive: boolean;
}

export const runSurface = async (surface: Surface, shortRuns: number): Promise<SurfaceResult> => {
  const outcomes: Record<string, number> = {};
  let cases = 0;
  const options = fuzzOptions(shortRuns);
  try {
    const property = fc.asyncProperty(surface.arbitrary, async input => {
      let result: string;
      try {
        result = await surface.run(input);
      } catch (error) {
        // Said here in plain text: fast-check's own report of some inputs fails under lockdown.
        const shown = (() => {
          try {
            return JSON.stringify(input)?.slice(0, 600);
          } catch {
            return String(input).slice(0, 600);
          }
        })();
        throw Error(`${surface.name}: ${(error as Error).message} for input ${shown}`);
      }
      cases += 1;
      outcomes[result] = (outcomes[result] ?? 0) + 1;
    });
    await assertProperty(property, options);
    const alive = surface.alive ? await surface.alive() : true;
    return { surface: surface.name, cases, outcomes, alive };
  } finally {
    await surface.close?.();
  }
};
