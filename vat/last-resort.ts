// vat/last-resort.ts: the process-wide handler behind every contained entry
// point. Each entry point (HTTP, page and console sockets, CapTP dispatch,
// timers on peer data) catches its own failures and answers with a `[code]`;
// a failure that still escapes is a bug in Stoa, and ending the vat for it
// would let a peer who found it stop the vat for everyone. So a long-running
// vat process (`stoa vat start`, `stoa moderation start`, the harness's vat
// programs) logs it to stderr as `[uncaught]` with a plain next step, counts
// it, and keeps running. Libraries and tests do not install it: an embedding
// app chooses its own policy.
let installed = false;
let escaped = 0;

const describe = (reason: unknown) =>
  reason instanceof Error ? `${reason.message}\n${reason.stack ?? ''}` : String(reason);

/** Installs the handler once for this process; `label` names the program in each line. */
export const installLastResort = (label: string): void => {
  if (installed) return;
  installed = true;
  const report = (kind: string, reason: unknown) => {
    escaped += 1;
    console.error(
      `${label}: [uncaught] ${kind} that no entry point contained (${escaped} so far); the vat keeps running. Please report it with this text: ${describe(reason)}`,
    );
  };
  process.on('uncaughtException', error => report('an exception', error));
  process.on('unhandledRejection', reason => report('a rejected promise', reason));
};
harden(installLastResort);
