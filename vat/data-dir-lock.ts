// vat/data-dir-lock.ts: one vat per data directory. A second process on the
// same directory would be a second vat with the same identity: its sessions
// would replace the first one's at every peer. The lock is a file holding the
// owner's pid; a lock whose process is gone (a crash) is taken over.
import { nextStep } from './data-dir-errors.js';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the lock on `dataDir`; returns its release. Throws `[data-dir-in-use]`. */
export const lockDataDir = (dataDir: string): (() => void) => {
  const path = join(dataDir, 'vat.lock');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw Error(
          `[bad-data-dir] cannot lock data directory ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}. ${nextStep(error as NodeJS.ErrnoException)}`,
        );
      }
      let owner = NaN;
      try {
        owner = Number(readFileSync(path, 'utf8'));
      } catch {
        // it went away between our open and our read: try again
      }
      if (Number.isSafeInteger(owner) && owner > 0 && alive(owner)) {
        throw Error(
          `[data-dir-in-use] data directory ${dataDir} is in use by process ${owner} (a vat with this identity is running)`,
        );
      }
      try {
        unlinkSync(path); // its owner is gone
      } catch {
        // someone else took it over first
      }
    }
  }
  throw Error(`[data-dir-in-use] data directory ${dataDir} is being locked by another process`);
};
harden(lockDataDir);
