// People running vats play a puzzle from the command line and the page:
// `stoa puzzle create` hosts one (this vat arbitrates), `stoa puzzle join`
// joins it, `stoa puzzles` lists them with their progress; bad input is one
// clear line; a restarted player's vat joins its puzzle again by itself.
import test from '@endo/ses-ava/prepare-endo.js';
import { childVat, runStoa, stoaJson as stoa, tempDir } from '../helpers.js';

test('host a puzzle, join it, list it; bad grids and unknown invites are clear; a restart rejoins', async t => {
  const [hostDir, annDir] = [tempDir(t), tempDir(t)];
  await childVat(t, { dataDir: hostDir });
  const ann = await childVat(t, { dataDir: annDir });

  const bad = await runStoa(['puzzle', 'create', 'picnic', '--grid', '40x2', '--data', hostDir]);
  t.deepEqual(
    [bad.code, bad.stderr.split('\n')[0]],
    [1, 'stoa puzzle create: a grid is COLSxROWS, each 2 to 16 (for example 8x8), not "40x2"'],
  );
  const made = await stoa(['puzzle', 'create', 'picnic', '--grid', '3x2', '--data', hostDir]);
  t.like(made, { grid: '3x2' });
  t.regex(made.invite, /^stoa:\/\//);
  t.like(await stoa(['puzzle', 'join', made.invite, '--name', 'ann', '--data', annDir]), {
    puzzle: made.puzzle,
  });
  t.like((await stoa(['puzzles', '--data', annDir]))[0], {
    puzzle: made.puzzle,
    role: 'player',
    as: 'ann',
    placed: 0,
    of: 6,
  });
  t.like((await stoa(['puzzles', '--data', hostDir]))[0], { role: 'host', members: 1, of: 6 });
  const noName = await runStoa(['puzzle', 'join', made.invite, '--data', annDir]);
  t.is(noName.code, 2, 'a usage error');
  const { invite: roomInvite } = await stoa(['room', 'create', 'lobby', '--data', hostDir]);
  const notAPuzzle = await runStoa([
    'puzzle',
    'join',
    roomInvite,
    '--name',
    'ann',
    '--data',
    annDir,
  ]);
  t.deepEqual(
    [notAPuzzle.code, notAPuzzle.stderr.split('\n')[0]],
    [1, 'stoa puzzle join: the invite is to a chat-room, not a jigsaw'],
  );

  // The page is beside the chat page, under the same token.
  const page = await fetch(`${ann.ready.web}puzzle`);
  t.is(page.status, 200);
  t.regex(await page.text(), /puzzle\.js/);

  await ann.stop();
  const again = await childVat(t, { dataDir: annDir });
  t.truthy(again.ready.vatId);
  t.like((await stoa(['puzzles', '--data', annDir]))[0], { puzzle: made.puzzle, as: 'ann' });
});
