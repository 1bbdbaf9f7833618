// vat/live-ref.ts: a far reference to an object behind a sturdy ref that
// stays usable across the other vat's restarts: it is fetched on first use,
// and fetched again on the next use after its session broke (old references
// stay broken, as E semantics require; this one is a fresh fetch).
import type { ERef } from '@endo/far';
import type { Vat } from './vat.js';

export interface LiveRef<T> {
  /** The current reference, fetched now if there is none or its session ended. */
  get(): Promise<ERef<T>>;
}

export const makeLiveRef = <T>(
  vat: Pick<Vat, 'fetch' | 'onBroken'>,
  sturdyRef: string,
): LiveRef<T> => {
  let current: Promise<ERef<T>> | undefined;
  return harden({
    get() {
      if (current) return current;
      const fetching = vat.fetch<T>(sturdyRef);
      const forget = () => {
        if (current === fetching) current = undefined;
      };
      current = fetching;
      fetching.then(ref => vat.onBroken(ref, forget), forget);
      return fetching;
    },
  });
};
harden(makeLiveRef);
