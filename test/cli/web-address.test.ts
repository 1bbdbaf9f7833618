// The page's address outlives a restart: `stoa vat start` keeps its token and
// port in DIR/web.json (owner only), so a bookmark keeps working;
// `stoa web --new-token` replaces the token, and the old address stops
// working, whether the vat runs (at once) or not (from its next start).
import test from '@endo/ses-ava/prepare-endo.js';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childVat, runStoa, tempDir } from '../helpers.js';

const status = async (url: string) => (await fetch(url)).status;

test('the same page address after a restart; a new token retires the old one', async t => {
  const dir = tempDir(t);
  const first = await childVat(t, { dataDir: dir });
  const url = String(first.ready.web);
  t.is(statSync(join(dir, 'web.json')).mode & 0o777, 0o600, "the token is its owner's only");
  t.is(await first.stop(), 0);

  const again = await childVat(t, { dataDir: dir });
  t.is(again.ready.web, url, 'the bookmark still works');
  t.is(await status(url), 200);

  const running = await runStoa(['web', '--new-token', '--data', dir]);
  t.is(running.code, 0, running.stderr);
  const renewed = running.stdout.trim();
  t.not(renewed, url);
  t.is(new URL(renewed).port, new URL(url).port, 'only the token changed');
  t.is(await status(url), 404, 'the old address stopped working at once');
  t.is(await status(renewed), 200);
  t.is((await runStoa(['web', '--data', dir])).stdout, `${renewed}\n`);
  t.is(await again.stop(), 0);

  const stopped = await runStoa(['web', '--new-token', '--data', dir]);
  t.deepEqual([stopped.code, stopped.stdout], [0, ''], stopped.stderr);
  t.regex(stopped.stderr, /^a new page token is kept in .*; the old address no longer works/);
  t.false(stopped.stderr.includes(new URL(renewed).pathname.slice(1, -1)), 'no token printed');
  const third = await childVat(t, { dataDir: dir });
  const latest = String(third.ready.web);
  t.not(latest, renewed);
  t.is(new URL(latest).port, new URL(url).port);
  t.is(await status(renewed), 404);
  t.is(await status(latest), 200);
  t.is(statSync(join(dir, 'web.json')).mode & 0o777, 0o600);
});

test('a damaged address file is refused with the next step, and --new-token repairs it', async t => {
  const dir = tempDir(t);
  const vat = await childVat(t, { dataDir: dir });
  await vat.stop();
  writeFileSync(join(dir, 'web.json'), '{"token":"short"}');
  const refused = await runStoa(['vat', 'start', '--data', dir]);
  t.is(refused.code, 1);
  t.regex(
    refused.stderr,
    /^stoa vat start: .*web\.json does not hold a page address; remove it, or make a new one with: stoa web --new-token\n$/,
  );
  t.is((await runStoa(['web', '--new-token', '--data', dir])).code, 0);
  t.regex(
    String((await childVat(t, { dataDir: dir })).ready.web),
    /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/,
  );
  const nobody = await runStoa(['web', '--new-token', '--data', join(dir, 'none')]);
  t.is(nobody.code, 1);
  t.regex(nobody.stderr, /^stoa web: .* holds no vat; make one with: stoa init --data /);
});
