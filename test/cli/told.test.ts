// What moderation did, in the terminal (issue 11, item 2): a reporter's
// receipt says "received and checked"; a mute shows in the room as one line
// naming the member, until when, and the statement of reasons; the muted
// member's line is refused with that message and nothing is sent; the
// reporter's terminal shows the decision on its case.
import test from '@endo/ses-ava/prepare-endo.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { STOA_CLI_PATH } from '../../demo-community/cli/stoa-process.js';
import { childVat, runStoa, stoaJson as stoa, tempDir } from '../helpers.js';

/** The screen of a tmux session, read until `seen` shows (each read is a tmux round trip; at most 2,000). */
const screenShows = (session: string, seen: RegExp) => {
  let screen = '';
  for (let tries = 0; tries < 2_000; tries += 1) {
    screen = spawnSync('tmux', ['capture-pane', '-p', '-J', '-t', session], {
      encoding: 'utf8',
    }).stdout;
    if (seen.test(screen)) return screen;
  }
  throw Error(`the terminal never showed ${seen}; it shows:\n${screen}`);
};

test('the room and the reporter are told what moderation did; a muted line is refused', async t => {
  const [hostDir, aliceDir, malloryDir, auditorDir] = [1, 2, 3, 4].map(() => tempDir(t));
  const operator = await childVat(t, {
    program: STOA_CLI_PATH,
    args: ['moderation', 'start', '--grant', 'act:ana'],
  });
  await Promise.all([hostDir, aliceDir, malloryDir].map(dataDir => childVat(t, { dataDir })));
  const { invite } = await stoa([
    'room',
    'create',
    'lobby',
    '--moderation',
    String(operator.ready.reportInbox),
    '--data',
    hostDir,
  ]);
  await stoa(['room', 'join', invite, '--name', 'alice', '--data', aliceDir]);
  await stoa(['room', 'join', invite, '--name', 'mallory', '--data', malloryDir]);

  const session = `stoa-told-${randomBytes(4).toString('hex')}`;
  const command = [process.execPath, ...process.execArgv, STOA_CLI_PATH, 'chat', 'lobby']
    .concat(['--data', aliceDir])
    .map(a => `'${a}'`)
    .join(' ');
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '200', '-y', '40', command]);
  t.teardown(() => void spawnSync('tmux', ['kill-session', '-t', session]));
  screenShows(session, /\* in the room: alice, mallory/);

  await stoa(['say', 'lobby', 'cheap watches, dm me', '--data', malloryDir]);
  screenShows(session, /mallory: cheap watches, dm me/);
  execFileSync('tmux', ['send-keys', '-t', session, '/report mallory spam', 'Enter']);
  screenShows(
    session,
    /\* reported mallory: Received and checked: every signature holds; no decision yet\./,
  );

  const grants = operator.ready.grants as Record<string, string>;
  await runStoa(['audit', 'login', '-', '--data', auditorDir], {}, grants.ana);
  const [theCase] = await stoa(['audit', 'list', '--data', auditorDir]);
  t.is(theCase.status, 'open');
  const acted = await runStoa([
    'audit',
    'act',
    theCase.caseId,
    '--action',
    'mute',
    '--duration',
    '2h',
    '--reason',
    'selling watches in the book club',
    '--data',
    auditorDir,
  ]);
  t.is(acted.code, 0, acted.stderr);
  const until = /until (\d\d:\d\d|\d+ \w{3} \d\d:\d\d)/.source;
  screenShows(
    session,
    new RegExp(`\\* mallory was muted ${until} — selling watches in the book club \\(case `),
  );
  screenShows(
    session,
    /\* The moderators muted mallory for 2 h — selling watches in the book club$/m,
  );

  const refused = await runStoa(['say', 'lobby', 'but they are so cheap', '--data', malloryDir]);
  t.is(refused.code, 1);
  t.regex(
    refused.stderr,
    new RegExp(
      `^stoa say: You are muted in this room ${until} — selling watches in the book club \\(case .*\\)\\. Your line was not sent\\.\\n$`,
    ),
  );
  const history = (await stoa(['history', 'lobby', '--data', aliceDir])) as Array<{
    text: string;
    notice?: { what: string; name: string };
    outcome?: { action: string };
  }>;
  t.false(
    history.some(l => l.text.includes('so cheap')),
    'the refused line was never sent',
  );
  t.like(history.find(l => l.notice)?.notice, { what: 'mute', name: 'mallory' });
  t.like(history.find(l => l.outcome)?.outcome, { action: 'mute' });
  t.is((await stoa(['audit', 'list', '--data', auditorDir]))[0].status, 'acted');
});
