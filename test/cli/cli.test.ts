// The stoa CLI as people run it: each failure is one clear line and a non-zero exit.
import test from '@endo/ses-ava/prepare-endo.js';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childVat, runStoa, tempDir } from '../helpers.js';

test('stoa init creates an identity and prints the vat id; running it again prints the same', async t => {
  const dataDir = join(tempDir(t), 'me');
  const first = await runStoa(['init', '--data', dataDir]);
  t.is(first.code, 0);
  t.regex(first.stdout, /^[a-z2-7]{52}\n$/);
  t.is(statSync(join(dataDir, 'identity', 'key.pem')).mode & 0o777, 0o600);
  const second = await runStoa(['init', '--data', dataDir]);
  t.is(second.stdout, first.stdout);
  t.regex(second.stderr, /already holds this vat identity/);
});

test('stoa vat start announces readiness with an echo ref that stoa call can use, and stops cleanly', async t => {
  const bob = await childVat(t, { echo: true });
  t.regex(bob.echo!, new RegExp(`^stoa://${bob.vatId}@127\\.0\\.0\\.1:\\d+/s/`));
  const called = await runStoa(['call', bob.echo!, 'echo', '{"hello":"world"}']);
  t.deepEqual([called.code, called.stdout, called.stderr], [0, '{"hello":"world"}\n', '']);
  const fromStdin = await runStoa(['call', '-', 'echo', 'quiet'], {}, `${bob.echo!}\n`);
  t.deepEqual([fromStdin.code, fromStdin.stdout], [0, '"quiet"\n'], 'the ref can come on stdin');
  const failed = await runStoa(['call', bob.echo!, 'nope']);
  t.is(failed.code, 1);
  t.regex(
    failed.stderr,
    /^stoa call: target has no method "nope".*\n$/,
    'one line, no captp or marshal noise',
  );
  t.is(await bob.stop(), 0);
});

test('stoa vat start --detach runs the vat in the background until stoa vat stop', async t => {
  const data = tempDir(t);
  const started = await runStoa(['vat', 'start', '--detach', '--no-web', '--data', data]);
  t.is(started.code, 0, started.stderr);
  const ready = JSON.parse(started.stdout) as { event: string; vatId: string };
  t.is(ready.event, 'ready');
  t.teardown(() => runStoa(['vat', 'stop', '--data', data]));
  t.is(statSync(join(data, 'vat.log')).mode & 0o777, 0o600);
  const rooms = await runStoa(['rooms', '--data', data]);
  t.deepEqual(
    [rooms.code, JSON.parse(rooms.stdout)],
    [0, []],
    'the background vat answers on its console',
  );
  const again = await runStoa(['vat', 'start', '--detach', '--no-web', '--data', data]);
  t.is(again.code, 1);
  t.regex(
    again.stderr,
    /^stoa vat start: the vat stopped before it was ready \(exit 1\): stoa vat start: data directory .* is in use by process/,
  );
  const stopped = await runStoa(['vat', 'stop', '--data', data]);
  t.deepEqual(
    [stopped.code, JSON.parse(stopped.stdout)],
    [0, { event: 'stopped', vatId: ready.vatId }],
    stopped.stderr,
  );
  t.is((await runStoa(['rooms', '--data', data])).code, 1, 'nothing answers any more');
});

test('stoa vat start --relay relays, --via-relay reserves there, and stoa vat reach says so', async t => {
  const relay = await childVat(t, { args: ['--relay', '--no-web'] });
  const member = await childVat(t, { args: ['--via-relay', relay.address, '--no-web'] });
  t.deepEqual(member.ready.addresses, [member.address, `relay:${relay.address}`]);
  const reach = await runStoa(['vat', 'reach', '--data', member.dataDir]);
  t.is(reach.code, 0, reach.stderr);
  t.like(JSON.parse(reach.stdout), {
    addresses: [member.address, `relay:${relay.address}`],
    reservations: [{ relay: relay.address, state: 'reserved' }],
    relaying: false,
  });
  const relaying = JSON.parse((await runStoa(['vat', 'reach', '--data', relay.dataDir])).stdout);
  t.like(relaying, { addresses: [relay.address], reservations: [], relaying: { reservations: 1 } });
});

test('bad input exits non-zero with one clear line', async t => {
  const dir = tempDir(t);
  const busy = await childVat(t);
  const file = join(dir, 'file');
  writeFileSync(file, '');
  const cases: Array<[string[], number, RegExp]> = [
    [
      ['vat', 'start', '--data', join(dir, 'x'), '--listen', busy.address],
      1,
      /^stoa vat start: address 127\.0\.0\.1:\d+ is already in use\n$/,
    ],
    [
      ['vat', 'start', '--data', join(file, 'sub')],
      1,
      /^stoa vat start: cannot create data directory .*: ENOTDIR\n$/,
    ],
    [['vat', 'start', '--listen', 'nowhere'], 2, /^stoa vat start: --listen takes HOST:PORT/],
    [['vat', 'start', '--bogus'], 2, /^stoa vat start: Unknown option '--bogus'/],
    [
      ['vat', 'start', '--data', join(dir, 'y'), '--via-relay', 'nowhere'],
      1,
      /^stoa vat start: relay nowhere: an address is host:port or relay:host:port\n$/,
    ],
    [
      ['call', 'stoa://not-a-ref', 'echo'],
      1,
      /^stoa call: not a Stoa reference; expected stoa:\/\/<vatId>@<host>:<port>\/s\/<secret>/,
    ],
    [['frobnicate'], 2, /^stoa: unknown command "frobnicate"/],
    [
      ['vat', 'start', '--data', busy.dataDir],
      1,
      /^stoa vat start: data directory .* is in use by process \d+/,
    ],
  ];
  for (const [args, code, stderr] of cases) {
    const result = await runStoa(args);
    t.is(result.code, code, args.join(' '));
    t.regex(result.stderr, stderr, args.join(' '));
  }
});

test('every command has --help', async t => {
  for (const command of [['init'], ['vat', 'start'], ['call']]) {
    const { code, stdout } = await runStoa([...command, '--help']);
    t.is(code, 0);
    t.regex(stdout, new RegExp(`^usage: stoa ${command.join(' ')} `));
  }
  const top = await runStoa(['--help']);
  t.is(top.code, 0);
  t.regex(top.stdout, /stoa vat start/);
});
