// moderation/witness.ts: what a member of a moderated room offers its
// moderation service: the public lines of its window, by author and range, so
// a report trimmed at the edge or missing lines can be completed (each line
// verifies on its own; see gather.ts). Whispers are never served, and one
// call serves at most HISTORY_RANGE seqs, as a peer's history call does.
import { makeExo } from '@endo/exo';
import { M, type TypeFromInterfaceGuard } from '@endo/patterns';
import { HISTORY_RANGE, PUBLIC, WireEnvelopeShape, type KeptEnvelope } from '../presence/index.js';
import { VatIdShape } from '../vat/index.js';

export const WitnessI = M.interface('Witness', {
  range: M.call(VatIdShape, M.number(), M.number()).returns(M.arrayOf(WireEnvelopeShape)),
});

/** A member's offer to serve the public lines of its window; its type is its guard's. */
export type Witness = TypeFromInterfaceGuard<typeof WitnessI>;

export const makeWitness = (label: string, window: () => readonly KeptEnvelope[]) =>
  makeExo(`Witness ${label}`, WitnessI, {
    range(author, fromSeq, toSeq) {
      const to = Math.min(toSeq, fromSeq + HISTORY_RANGE - 1);
      return harden(
        window()
          .map(k => k.envelope)
          .filter(
            e =>
              e.stream === PUBLIC &&
              e.header.author === author &&
              e.header.seq >= fromSeq &&
              e.header.seq <= to,
          )
          .map(e => e.wire),
      );
    },
  });
harden(makeWitness);
