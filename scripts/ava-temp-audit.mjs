// Runs ava (with this script's arguments) in a temp directory of its own and
// fails if the tests left anything of theirs (`stoa-*`) in it: every test
// removes what it made, also when it fails. Entries that other programs leave
// (a browser's, a database's) are listed but do not fail the run.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'stoa-ava-tmp-'));
// Others may pass through (not list): the throwaway PostgreSQL runs as its own
// user and must reach the folder made for it inside.
chmodSync(dir, 0o711);
const child = spawn('npx', ['ava', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: dir },
});
const [code, signal] = await new Promise(resolve => child.on('exit', (c, s) => resolve([c, s])));
const left = readdirSync(dir);
rmSync(dir, { recursive: true, force: true });
const ours = left.filter(name => name.startsWith('stoa-'));
// tsx keeps its compile cache there: expected, and not the tests'.
const theirs = left.filter(name => !name.startsWith('stoa-') && !name.startsWith('tsx-'));
if (theirs.length) console.log(`temp audit: other programs left ${theirs.join(', ')}`);
if (ours.length)
  console.error(
    `temp audit: the tests left ${ours.length} folder(s) in the temp directory: ${ours.join(', ')}`,
  );
process.exit(code !== 0 ? (code ?? (signal ? 1 : 0)) || 1 : ours.length ? 1 : 0);
