import test from '@endo/ses-ava/prepare-endo.js';
import { checkRuleset, makeFilter } from '../../moderation/filter.js';

test('keyword rules match whole words, substrings or the exact line', t => {
  const filter = makeFilter({
    rules: [
      { id: 'word', action: 'warn', keywords: ['idiot'] },
      { id: 'sub', action: 'hide', keywords: ['spamlink'], mode: 'substring' },
      { id: 'exact', action: 'hold', keywords: ['hey you'], mode: 'exact' },
    ],
  });
  t.like(filter.check('you Idiot!'), { rule: 'word', action: 'warn' });
  t.is(filter.check('idiotic ideas'), undefined, 'a whole word only');
  t.like(filter.check('visit myspamlinks.example'), { rule: 'sub', action: 'hide' });
  t.like(filter.check('  hey you '), { rule: 'exact', action: 'hold' });
  t.is(filter.check('hey you there'), undefined);
});

test('the strongest action of all matching rules wins', t => {
  const filter = makeFilter({
    rules: [
      { id: 'mild', action: 'warn', keywords: ['jerk'] },
      { id: 'threat', action: 'auto-report', category: 'threat', regex: 'i will (find|hurt) you' },
    ],
  });
  t.like(filter.check('you jerk, I will find you'), {
    rule: 'threat',
    action: 'auto-report',
    category: 'threat',
  });
});

test('the obscenity preset catches obfuscation when strict, and the allow list takes words out first', t => {
  const strict = makeFilter({
    rules: [{ id: 'swears', action: 'hide', preset: 'obscenity', severity: 'strict' }],
  });
  const mild = makeFilter({
    rules: [{ id: 'swears', action: 'hide', preset: 'obscenity', severity: 'mild' }],
  });
  t.like(strict.check('what the fuuuck'), { rule: 'swears' });
  t.is(mild.check('what the fuuuck'), undefined);
  t.like(mild.check('what the fuck'), { rule: 'swears' });
  t.is(strict.check('hello there'), undefined);
  const allowed = makeFilter({
    allow: ['Scunthorpe'],
    rules: [{ id: 'words', action: 'hide', keywords: ['cunt'], mode: 'substring' }],
  });
  t.is(allowed.check('I live in Scunthorpe'), undefined);
});

test('a catastrophic regex is cut off by the time limit instead of freezing the vat', t => {
  const filter = makeFilter({ rules: [{ id: 'evil', action: 'hide', regex: '^(a+)+$' }] });
  const started = Date.now();
  t.is(filter.check(`${'a'.repeat(40)}b`), undefined);
  t.is(filter.timeouts(), 1);
  t.true(Date.now() - started < 2_000);
});

test('a bad ruleset is refused with the reason', t => {
  t.throws(() => checkRuleset({ rules: [{ id: 'x', action: 'explode', keywords: ['a'] }] }), {
    message: /^\[bad-ruleset\] rule "x": action is warn, hide, hold or auto-report/,
  });
  t.throws(() => checkRuleset({ rules: [{ id: 'x', action: 'hide' }] }), {
    message: /matches nothing/,
  });
  t.throws(() => checkRuleset({ rules: [{ id: 'x', action: 'hide', regex: 'a'.repeat(201) }] }), {
    message: /at most 200 characters/,
  });
  t.throws(() => checkRuleset({ rules: [{ id: 'x', action: 'hide', regex: '(' }] }), {
    message: /does not compile/,
  });
});

test('a ruleset every member would choke on is refused before it is signed', t => {
  t.throws(() => checkRuleset({ rules: [{ id: 'x', action: 'hide', keywords: [1] }] }), {
    message: /^\[bad-ruleset\] rule "x": keywords are at most 500 strings$/,
  });
  t.throws(() => checkRuleset({ rules: [{ id: 'x', action: 'toString', keywords: ['a'] }] }), {
    message: /action is warn, hide, hold or auto-report/,
  });
  t.throws(() => checkRuleset({ allow: 'ok', rules: [] }), {
    message: /^\[bad-ruleset\] allow is a list of words and phrases \(strings\)$/,
  });
});
