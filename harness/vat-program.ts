// harness/vat-program.ts: the end of every small vat program that a
// parent process drives (the demo's participants, the test fixtures): stop
// cleanly on SIGTERM/SIGINT, export the program's control object, and print
// the ready line spawnVat waits for. The signal handlers come first: a signal
// that arrived before them would kill the process with no clean exit.
import type { Vat } from '../vat/index.js';

export const announceReady = (vat: Vat, control: object, { beforeClose = async () => {} } = {}) => {
  const stop = async () => {
    await beforeClose();
    await vat.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const uri = vat.export(control, { name: 'control' });
  console.log(
    JSON.stringify({ event: 'ready', vatId: vat.id, address: vat.address, control: uri }),
  );
};
harden(announceReady);
