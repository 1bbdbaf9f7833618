// moderation/witness.ts: what a member of a moderated room offers its
// moderation service: the public lines of its window, by author and range, so
// a report trimmed at the edge or missing lines can be completed (each line
// verifies on its own; see gather.ts). Whispers are never served.
import { makeExo } from '@endo/exo';
import { M } from '@endo/patterns';
import type { VatId } from '../captp-transport/index.js';
import { PUBLIC, WireEnvelopeShape, type KeptEnvelope, type WireEnvelope } from '../presence/index.js';

/** The most lines one `range` call serves. */
export const MAX_WITNESS_RANGE = 256;

export const WitnessI = M.interface('Witness', {
  range: M.call(M.string({ stringLengthLimit: 52 }), M.number(), M.number()).returns(M.arrayOf(WireEnvelopeShape)),
});

/** A member's offer to serve the public lines of its window. */
export interface Witness {
  range(author: VatId, fromSeq: number, toSeq: number): WireEnvelope[];
}

export const makeWitness = (label: string, window: () => readonly KeptEnvelope[]) =>
  makeExo(`Witness ${label}`, WitnessI, {
    range(author, fromSeq, toSeq) {
      const to = Math.min(toSeq, fromSeq + MAX_WITNESS_RANGE - 1);
      return harden(
        window()
          .map(k => k.envelope)
          .filter(e => e.stream === PUBLIC && e.header.author === author && e.header.seq >= fromSeq && e.header.seq <= to)
          .map(e => e.wire),
      );
    },
  });
harden(makeWitness);
