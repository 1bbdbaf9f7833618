// A vat whose start-up step fails never stays half-started. A room it cannot
// bring back (its moderation service is down) is listed as waiting and tried
// again by itself while the vat serves everything else; a step that cannot be
// worked around (its web port is taken) ends the process non-zero with its
// port and lock released. Before, both left a vat holding its port and lock,
// with no console, that `stoa vat stop` could not stop.
import test from '@endo/ses-ava/prepare-endo.js';
import { createServer } from 'node:net';
import { STOA_CLI_PATH } from '../../demo-community/cli/stoa-process.js';
import { childVat, runStoa, stoaJson, tempDir } from '../helpers.js';

const MOD_LISTEN = '127.0.0.1:29111';

test('a hosted room whose moderation service is down waits and comes back by itself; the vat stops on request', async t => {
  const [modDir, hostDir] = [tempDir(t), tempDir(t)];
  const modArgs = {
    program: STOA_CLI_PATH,
    args: ['moderation', 'start'],
    dataDir: modDir,
    listen: MOD_LISTEN,
  };
  const mod = await childVat(t, modArgs);
  const first = await childVat(t, { dataDir: hostDir });
  await stoaJson([
    'room',
    'create',
    'lobby',
    '--moderation',
    String(mod.ready.reportInbox),
    '--data',
    hostDir,
  ]);
  await first.stop();
  await mod.kill();

  const host = await childVat(t, { dataDir: hostDir });
  t.like((host.ready.waiting as unknown[])[0], { room: 'lobby', role: 'host' });
  t.regex(
    host.stderr(),
    /the room "lobby" \(host\) is not up yet: \[unreachable\] .+\. It is tried again by itself; see: stoa rooms/,
  );
  const [waiting] = await stoaJson(['rooms', '--data', hostDir]);
  t.like(waiting, { room: 'lobby', role: 'host' });
  t.regex(waiting.waiting, /^\[[a-z-]+\]/, 'with the error that kept it down');

  await childVat(t, modArgs);
  let rooms: Array<{ role: string; invite?: string; waiting?: string }> = [];
  for (let tries = 0; tries < 300 && !rooms.some(r => r.invite); tries += 1)
    rooms = await stoaJson(['rooms', '--data', hostDir]);
  t.like(rooms, [{ role: 'host' }], 'hosted again once its moderation service is back');
  t.regex(String(rooms[0]?.invite), /^stoa:\/\//);

  t.is((await runStoa(['vat', 'stop', '--data', hostDir])).code, 0, 'and it stops on request');
});

test('a vat whose web port is taken exits non-zero, releasing its port and lock', async t => {
  const dir = tempDir(t);
  const taken = createServer();
  await new Promise<void>(resolve => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => taken.close());
  const webPort = (taken.address() as { port: number }).port;
  const failed = await runStoa(['vat', 'start', '--data', dir, '--web-port', String(webPort)]);
  t.not(failed.code, 0);
  t.regex(failed.stderr, /EADDRINUSE|in use/);
  // The lock and the vat's port are free: the same data directory starts at once.
  const again = await childVat(t, { dataDir: dir });
  t.truthy(again.ready.web);
});
