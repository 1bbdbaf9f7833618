// A vat started on a data directory it cannot use says why in a sentence
// with the next step, exits non-zero, and changes nothing: a damaged store,
// a full disk (a 32 KB tmpfs) and a read-only directory (a read-only bind
// mount; as root, chmod stops nothing). The mounts are made in a private
// mount namespace (unshare -m), so they vanish with the process.
import test from '@endo/ses-ava/prepare-endo.js';
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STOA_CLI_PATH } from '../../demo-community/cli/stoa-process.js';
import { runStoa, tempDir } from '../helpers.js';

const canMount = (() => {
  try {
    execFileSync('unshare', ['-m', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const mountTest = canMount ? test : test.skip;
if (!canMount)
  console.error(
    'bad-data-dir: unshare -m is not allowed here (needs root): the mount tests are skipped',
  );

/** `stoa vat start` in a private mount namespace, after `mount` (a shell command). */
const startAfterMount = (mount: string, dataDir: string) =>
  new Promise<{ code: number | null; stderr: string }>(resolve => {
    execFile(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        `${mount} && exec "$0" "$@"`,
        process.execPath,
        ...process.execArgv,
        STOA_CLI_PATH,
        'vat',
        'start',
        '--data',
        dataDir,
        '--no-web',
      ],
      (error, _stdout, stderr) =>
        resolve({ code: error ? ((error.code as number) ?? 1) : 0, stderr }),
    );
  });

const snapshotOf = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .sort()
      .map(f => {
        try {
          return [f, readFileSync(join(dir, f)).toString('base64')];
        } catch {
          return [f, 'dir'];
        }
      }),
  );

test('a damaged store is a clear error and is left as it is', async t => {
  const dir = join(tempDir(t), 'v');
  await runStoa(['init', '--data', dir]);
  writeFileSync(join(dir, 'vat.db'), Buffer.alloc(40_960, 7));
  const before = snapshotOf(dir);
  const { code, stderr } = await runStoa(['vat', 'start', '--data', dir, '--no-web']);
  t.not(code, 0);
  t.regex(
    stderr,
    /^stoa vat start: cannot open the vat database in .*: file is not a database\. vat\.db is damaged or not a Stoa store, and was left as it is: restore it from a backup, or move it aside/m,
  );
  t.deepEqual(snapshotOf(dir), before, 'nothing in the data directory changed');
});

mountTest('a full disk is a clear error with the next step', async t => {
  const root = tempDir(t);
  const { code, stderr } = await startAfterMount(
    `mount -t tmpfs -o size=32k tmpfs ${root}`,
    join(root, 'v'),
  );
  t.not(code, 0);
  t.regex(
    stderr,
    /^stoa vat start: .*The disk is full or failing: free some space and start again\. Nothing was changed\./,
  );
});

mountTest('a read-only data directory is a clear error, and nothing in it changes', async t => {
  const dir = join(tempDir(t), 'v');
  await runStoa(['init', '--data', dir]);
  const before = snapshotOf(dir);
  const { code, stderr } = await startAfterMount(
    `mount --bind ${dir} ${dir} && mount -o remount,ro,bind ${dir}`,
    dir,
  );
  t.not(code, 0);
  t.regex(
    stderr,
    /^stoa vat start: .*The data directory is read-only: a vat writes its store there\. Mount it read-write, or start with another --data\./,
  );
  t.deepEqual(snapshotOf(dir), before);
});
