// People running vats: `stoa vat start` keeps the vat up; `stoa room …`,
// `stoa say`, `stoa history` act through it over its owner-only console socket.
import test from '@endo/ses-ava/prepare-endo.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { childVat, runStoa, stoaJson, tempDir } from '../helpers.js';

const stoa = stoaJson;

/** `stoa history` until a line shows up: each try is a real round trip, at most 30 of them. */
const historyUntil = async (dir: string, text: string) => {
  for (let tries = 0; tries < 30; tries += 1) {
    const lines = (await stoa(['history', 'lobby', '--data', dir])) as Array<{
      name: string;
      text: string;
    }>;
    if (lines.some(l => l.text === text)) return lines;
  }
  throw Error(`"${text}" never reached ${dir}`);
};

test('host a room, join it, chat and read history through running vats; a restarted vat rejoins', async t => {
  const [hostDir, aliceDir, bobDir] = [tempDir(t), tempDir(t), tempDir(t)];
  await childVat(t, { dataDir: hostDir });
  const alice = await childVat(t, { dataDir: aliceDir });
  await childVat(t, { dataDir: bobDir });
  t.is(
    statSync(join(aliceDir, 'console.sock')).mode & 0o777,
    0o600,
    "the console is its owner's only",
  );
  t.regex(
    String(alice.ready.web),
    /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/,
    'its web page, behind a token',
  );
  t.is((await runStoa(['web', '--data', aliceDir])).stdout, `${alice.ready.web}\n`);

  const { invite } = await stoa(['room', 'create', 'lobby', '--data', hostDir]);
  t.regex(invite, /^stoa:\/\//);
  t.deepEqual(
    (await stoa(['room', 'join', invite, '--name', 'alice', '--data', aliceDir])).roster,
    ['alice'],
  );
  t.deepEqual((await stoa(['room', 'join', invite, '--name', 'bob', '--data', bobDir])).roster, [
    'alice',
    'bob',
  ]);
  const renamed = await runStoa(['room', 'join', invite, '--name', 'dave', '--data', bobDir]);
  t.deepEqual(
    [renamed.code, renamed.stderr.split('\n')[0]],
    [
      1,
      'stoa room join: this vat is already in "lobby" as "bob"; to join under another name, leave first (stoa chat, then /leave)',
    ],
    'one name per vat per room',
  );
  t.deepEqual(await stoa(['say', 'lobby', 'hello', 'bob', '--data', aliceDir]), {
    to: 1,
    missed: [],
  });
  t.like((await historyUntil(bobDir, 'hello bob')).at(-1), { name: 'alice', text: 'hello bob' });
  await stoa(['whisper', 'lobby', 'alice', 'psst', '--data', bobDir]);
  t.like((await historyUntil(aliceDir, 'psst')).at(-1), { name: 'bob', whisperTo: 'alice' });
  t.like((await stoa(['rooms', '--data', hostDir]))[0], {
    role: 'host',
    members: ['alice', 'bob'],
  });

  await alice.stop();
  const again = await childVat(t, { dataDir: aliceDir, listen: alice.address });
  t.like(
    (await stoa(['rooms', '--data', aliceDir]))[0],
    { role: 'member', as: 'alice', members: ['alice', 'bob'] },
    'joined again on start',
  );
  const before = await historyUntil(aliceDir, 'psst');
  t.deepEqual(
    before.map(l => l.text),
    ['hello bob', 'psst'],
    'what she saw before the restart, from her window',
  );
  await stoa(['say', 'lobby', 'back again', '--data', aliceDir]);
  await historyUntil(bobDir, 'back again');

  // SIGKILL right after a line was shown to her: it is in her window all the same.
  await stoa(['whisper', 'lobby', 'alice', 'psst again', '--data', bobDir]);
  await historyUntil(aliceDir, 'psst again');
  await again.kill();
  await childVat(t, { dataDir: aliceDir, listen: alice.address });
  t.true(
    (await historyUntil(aliceDir, 'psst again')).some(l => l.text === 'psst'),
    'and so is what she saw before the first restart',
  );
});

test('room commands without a running vat say how to start one, in words (--json: with the code)', async t => {
  const { code, stderr } = await runStoa(['rooms', '--data', tempDir(t)]);
  t.is(code, 1);
  t.regex(
    stderr,
    /^stoa rooms: cannot reach the vat of .*: no vat is running there; start one with: stoa vat start --data DIR\n$/,
  );
  const chat = await runStoa(['chat', 'lobby', '--data', tempDir(t)]);
  t.regex(
    chat.stderr,
    /^stoa chat: cannot reach the vat of .*: no vat is running there; start one with: stoa vat start --data DIR\n$/,
    'the terminal chat says the same (it said only ENOENT)',
  );
  const usage = await runStoa(['room', 'join', 'stoa://x', '--data', tempDir(t)]);
  t.deepEqual([usage.code, usage.stderr.split('\n')[0]], [2, 'stoa room join: needs --name NAME']);
  // For scripts and bug reports, --json keeps the code.
  const json = await runStoa(['rooms', '--json', '--data', tempDir(t)]);
  t.is(json.code, 1);
  t.like(JSON.parse(json.stderr), { ok: false, code: 'no-vat' });
  t.regex(JSON.parse(json.stderr).error, /^\[no-vat\] cannot reach the vat of /);
});
