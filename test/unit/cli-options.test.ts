// Ids are base64url, so some start with `-`: the CLI takes them as the
// positionals and option values they are, and still refuses unknown flags.
import test from '@endo/ses-ava/prepare-endo.js';
import { parseOptions } from '../../demo-community/cli/command.js';

const options = {
  data: { type: 'string' },
  reason: { type: 'string' },
  port: { type: 'string', short: 'p' },
  json: { type: 'boolean' },
} as const;

test('a positional or an option value that starts with - is taken as written', t => {
  const { values, positionals } = parseOptions(
    ['show', '-_3DWk-70Dr_', '--data', '/tmp/x', '--reason', '-- spam', '-p', '-1', '--json'],
    options,
    true,
  );
  t.deepEqual(positionals, ['show', '-_3DWk-70Dr_']);
  t.deepEqual({ ...values }, { data: '/tmp/x', reason: '-- spam', port: '-1', json: true });
  t.deepEqual(parseOptions(['--data=/d', '-', '--', '--json'], options, true).positionals, [
    '-',
    '--json',
  ]);
});

test('an unknown or incomplete flag is still a usage error', t => {
  t.throws(() => parseOptions(['show', '--bogus'], options, true), {
    message: /^\[usage\] Unknown option '--bogus'/,
  });
  t.throws(() => parseOptions(['show', '--data'], options, true), {
    message: /^\[usage\] Option '--data <value>' argument missing/,
  });
  t.throws(() => parseOptions(['-_3DW'], options), {
    message: /^\[usage\] Unexpected argument '-_3DW'/,
  });
});
