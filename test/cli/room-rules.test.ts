// `stoa room rules`: the host's owner shows and edits a room's ruleset from
// the command line. Without a moderation service the host signs it into the
// room's state (with one, the README walkthrough shows it logged); bad input
// is refused with what is wrong and the next step, and changes nothing.
import test from '@endo/ses-ava/prepare-endo.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childVat, runStoa, stoaJson, tempDir } from '../helpers.js';

test('the host edits the ruleset rule by rule or as a whole; bad input changes nothing', async t => {
  const dir = tempDir(t);
  await childVat(t, { dataDir: dir });
  await stoaJson(['room', 'create', 'lobby', '--data', dir]);
  const rules = (...flags: string[]) => ['room', 'rules', 'lobby', ...flags, '--data', dir];
  t.like(await stoaJson(rules()), { ruleset: {}, rulesetHash: '' });

  const added = await stoaJson(
    rules(
      '--rule',
      'spam',
      '--action',
      'hide',
      '--keywords',
      'buy now, free money',
      '--mode',
      'substring',
    ),
  );
  t.deepEqual(added.ruleset, {
    rules: [{ id: 'spam', action: 'hide', keywords: ['buy now', 'free money'], mode: 'substring' }],
  });
  t.regex(added.rulesetHash, /^[0-9a-f]{64}$/, 'signed into the room state');
  t.false('logEntry' in added, 'no moderation service: nothing to log it in');
  await stoaJson(rules('--rule', 'swearing', '--action', 'warn', '--preset', 'obscenity'));
  const replaced = await stoaJson(
    rules('--rule', 'spam', '--action', 'auto-report', '--regex', 'b[u]y'),
  );
  t.deepEqual(
    replaced.ruleset.rules.map((r: { id: string; action: string }) => [r.id, r.action]),
    [
      ['spam', 'auto-report'],
      ['swearing', 'warn'],
    ],
    'a rule of the same id is replaced in place',
  );
  t.deepEqual((await stoaJson(rules('--remove', 'swearing'))).ruleset.rules.length, 1);
  const wholeSet = JSON.stringify({
    allow: ['scunthorpe'],
    rules: [{ id: 'x', action: 'warn', keywords: ['x'] }],
  });
  const file = join(dir, 'rules.json');
  writeFileSync(file, wholeSet);
  const whole = await stoaJson(['room', 'rules', 'lobby', '--set', '-', '--data', dir], wholeSet);
  t.deepEqual(whole.ruleset.allow, ['scunthorpe'], '--set - reads stdin');
  t.like(await stoaJson(rules('--set', file)), { rulesetHash: whole.rulesetHash });
  const before = await stoaJson(rules());

  writeFileSync(join(dir, 'broken.json'), '{"rules": [');
  const unchanged = "the room's ruleset is unchanged";
  const refusals: Array<[string[], number, string]> = [
    [rules('--set', join(dir, 'broken.json')), 1, `${join(dir, 'broken.json')} is not JSON (`],
    [
      rules('--set', join(dir, 'none.json')),
      1,
      `cannot read ${join(dir, 'none.json')}: ENOENT; ${unchanged}`,
    ],
    [
      rules('--rule', 'y', '--action', 'shout', '--keywords', 'a'),
      1,
      `rule "y": action is warn, hide, hold or auto-report; ${unchanged} (the format: stoa room rules --help)`,
    ],
    [
      rules('--rule', 'y', '--action', 'warn'),
      1,
      `rule "y" matches nothing (keywords, regex or preset); ${unchanged}`,
    ],
    [
      rules('--remove', 'nope'),
      1,
      `room "lobby" has no rule "nope" (its rules: "x"); ${unchanged}`,
    ],
    [rules('--keywords', 'a'), 2, '--keywords describes a rule: name it with --rule ID'],
    [rules('--rule', 'y'), 2, '--rule ID needs --action warn, hide, hold or auto-report'],
    [
      rules('--set', file, '--remove', 'x'),
      2,
      'one change at a time: --set and --remove were given together',
    ],
    [
      ['room', 'rules', 'elsewhere', '--data', dir],
      1,
      'this vat hosts no room "elsewhere": only a room\'s host sets its rules; see: stoa rooms',
    ],
  ];
  for (const [args, code, says] of refusals) {
    const out = await runStoa(args);
    t.is(out.code, code, args.join(' '));
    t.true(out.stderr.startsWith(`stoa room rules: ${says}`), `${args.join(' ')}: ${out.stderr}`);
  }
  t.deepEqual(await stoaJson(rules()), before, 'nothing refused was set');
});
