// The terminal chat, driven through a real terminal (tmux): type to say,
// see others' lines scroll in, whisper, report, see who may not hear you, quit;
// a mistyped command is refused, never sent.
import test from '@endo/ses-ava/prepare-endo.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { STOA_CLI_PATH } from '../../demo-community/cli/stoa-process.js';
import { childVat, stoaJson, tempDir } from '../helpers.js';

const stoa = stoaJson;

/** The screen of a tmux session, read until `seen` shows (each read is a tmux round trip; at most 2,000). */
const screenShows = (session: string, seen: string) => {
  for (let tries = 0; tries < 2_000; tries += 1) {
    const screen = spawnSync('tmux', ['capture-pane', '-p', '-t', session], {
      encoding: 'utf8',
    }).stdout;
    if (screen.includes(seen)) return screen;
  }
  throw Error(`the terminal never showed ${JSON.stringify(seen)}`);
};

const historyHas = async (dir: string, text: string) => {
  for (let tries = 0; tries < 30; tries += 1) {
    const lines = (await stoa(['history', 'lobby', '--data', dir])) as Array<{
      name: string;
      text: string;
      whisperTo?: string;
    }>;
    const found = lines.find(l => l.text === text);
    if (found) return found;
  }
  throw Error(`"${text}" never reached ${dir}`);
};

test('chat in the terminal: say, see replies scroll in, whisper, report, quit', async t => {
  const [hostDir, aliceDir, bobDir] = [tempDir(t), tempDir(t), tempDir(t)];
  const [, , bob] = await Promise.all([
    childVat(t, { dataDir: hostDir }),
    childVat(t, { dataDir: aliceDir }),
    childVat(t, { dataDir: bobDir }),
  ]);
  const { invite } = await stoa(['room', 'create', 'lobby', '--data', hostDir]);
  await stoa(['room', 'join', invite, '--name', 'alice', '--data', aliceDir]);
  await stoa(['room', 'join', invite, '--name', 'bob', '--data', bobDir]);

  const session = `stoa-chat-${randomBytes(4).toString('hex')}`;
  const command = [
    process.execPath,
    ...process.execArgv,
    STOA_CLI_PATH,
    'chat',
    'lobby',
    '--data',
    aliceDir,
  ]
    .map(a => `'${a}'`)
    .join(' ');
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '30', command]);
  t.teardown(() => void spawnSync('tmux', ['kill-session', '-t', session]));
  screenShows(session, '* in the room: alice, bob');

  execFileSync('tmux', ['send-keys', '-t', session, 'hello from the terminal', 'Enter']);
  t.like(await historyHas(bobDir, 'hello from the terminal'), { name: 'alice' });

  await stoa(['say', 'lobby', 'hi', 'alice', '--data', bobDir]);
  screenShows(session, 'bob: hi alice');

  execFileSync('tmux', ['send-keys', '-t', session, '/whisper bob just for you', 'Enter']);
  t.like(await historyHas(bobDir, 'just for you'), { name: 'alice', whisperTo: 'bob' });
  screenShows(session, 'alice (whisper to bob): just for you');

  // A mistyped command is refused in the terminal, never said to the room.
  execFileSync('tmux', [
    'send-keys',
    '-t',
    session,
    '/whsiper bob my password is hunter2',
    'Enter',
  ]);
  screenShows(session, '* no command /whsiper; type to say;');

  execFileSync('tmux', ['send-keys', '-t', session, '/report bob spam', 'Enter']);
  screenShows(
    session,
    '* room "lobby" takes no reports: its host runs it without a moderation service',
  );

  // Bob's vat goes away: alice's terminal says who may not hear her.
  await bob.kill();
  screenShows(session, 'may not hear you: bob');
  execFileSync('tmux', ['send-keys', '-t', session, 'anyone there?', 'Enter']);
  screenShows(session, '* not heard by bob (unreachable now)');

  execFileSync('tmux', ['send-keys', '-t', session, '/quit', 'Enter']);
  for (
    let tries = 0;
    tries < 2_000 && spawnSync('tmux', ['has-session', '-t', session]).status === 0;
    tries += 1
  );
  t.not(spawnSync('tmux', ['has-session', '-t', session]).status, 0, 'the chat ended on /quit');
  const heard = (await stoa(['history', 'lobby', '--data', aliceDir])) as Array<{ text: string }>;
  t.false(
    heard.some(l => l.text.includes('hunter2')),
    'the mistyped command was never sent',
  );
});
