// captp-transport/captp-patch-check.ts: refuses to run on an @endo/captp
// without Stoa's patch (patches/@endo+captp+4.5.1.patch, applied by
// patch-package at install). Unpatched, every answer is kept for the life of
// a connection, so a peer can grow our memory by calling; failing loudly at
// start beats leaking quietly. Checked by behaviour, once per process: a
// patched caller drops each answer once it has been returned. The same patch
// fixes the drop counts that collecting imports (gcImports) relies on (a
// message's target was counted as a reference received; a dropped export kept
// its slot) and makes E.sendOnly one frame; patch-package applies a patch
// whole, but an install made with an older patch is caught here too.
import { makeLoopback } from '@endo/captp';
import { E, Far } from '@endo/far';

let verdict: Promise<void> | undefined;

export const assertCapTPPatched = (): Promise<void> => {
  verdict ??= (async () => {
    const { makeFar, getFarStats, getNearStats } = makeLoopback('stoa-patch-check');
    const far = (await makeFar(Far('probe', { ping: () => 'pong' }))) as { ping(): string };
    await E(far).ping();
    const drops = getFarStats().send.CTP_DROP + getNearStats().send.CTP_DROP;
    const returns = getFarStats().send.CTP_RETURN;
    E.sendOnly(far).ping();
    await E(far).ping();
    // One-way calls (presence deliveries) are one frame: only the second ping is answered.
    const oneWay = getFarStats().send.CTP_RETURN === returns + 1;
    if (!(drops > 0) || !oneWay) {
      throw Error(
        "[unpatched-captp] @endo/captp lacks Stoa's patch (answers dropped, one-way calls); run `npm install` in the stoa folder (it applies patches/ with patch-package)",
      );
    }
  })();
  return verdict;
};
harden(assertCapTPPatched);
