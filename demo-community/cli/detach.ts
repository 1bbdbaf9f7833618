// demo-community/cli/detach.ts: `stoa vat start --detach` runs the vat in the
// background. The same command starts again without --detach, detached from
// this terminal, writing to DIR/vat.log (owner only); this process waits for
// its ready line, prints it and exits, or fails with the log's last line.
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

const READY_WAIT_MS = 60_000;

export const startDetached = async (argv: string[], dataDir: string): Promise<string> => {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log = join(dataDir, 'vat.log');
  const fd = openSync(log, 'a+', 0o600);
  try {
    return await waitReady(argv, dataDir, log, fd);
  } finally {
    closeSync(fd);
  }
};

const waitReady = async (
  argv: string[],
  dataDir: string,
  log: string,
  fd: number,
): Promise<string> => {
  const from = fstatSync(fd).size;
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1]!,
      'vat',
      'start',
      ...argv.filter(a => a !== '--detach'),
      '--data',
      dataDir,
    ],
    {
      detached: true,
      stdio: ['ignore', fd, fd],
    },
  );
  let exited: number | null | undefined;
  child.once('exit', code => (exited = code));
  /** What the vat wrote since this start (earlier runs' output stays in the log, unread). */
  const since = () => {
    const bytes = Buffer.alloc(fstatSync(fd).size - from);
    readSync(fd, bytes, 0, bytes.length, from);
    return bytes.toString('utf8');
  };
  for (
    const until = Date.now() + READY_WAIT_MS;
    Date.now() < until;
    await new Promise(r => setTimeout(r, 100))
  ) {
    // Only whole lines: the vat may be midway through writing the ready line.
    const ready = since()
      .split('\n')
      .slice(0, -1)
      .find(l => l.startsWith('{"event":"ready"'));
    if (ready) {
      child.unref();
      return ready;
    }
    if (exited !== undefined) {
      const last = since().trim().split('\n').at(-1) ?? '';
      throw Error(
        `[vat-failed] the vat stopped before it was ready (exit ${exited}): ${last || 'no output'} (see ${log})`,
      );
    }
  }
  child.kill();
  throw Error(`[vat-failed] the vat was not ready within ${READY_WAIT_MS / 1000} s (see ${log})`);
};
