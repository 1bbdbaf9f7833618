// Names are shown beside every line: normalised (NFKC), refused when they
// could hide or fake something, and no two in a room may look alike (TR39
// skeletons, as written and after case folding).
import test from '@endo/ses-ava/prepare-endo.js';
import { MAX_NAME_CHARS, namesClash, normaliseName } from '../../unum/member-name.js';

test('a name is kept NFKC-normalised and trimmed', t => {
  t.is(normaliseName('  ａｌｉｃｅ '), 'alice');
  t.is(normaliseName('ﬁona'), 'fiona');
  t.is(normaliseName('Zoë'), 'Zoë'.normalize('NFKC'));
  t.is(
    normaliseName('😀'.repeat(MAX_NAME_CHARS)).length,
    2 * MAX_NAME_CHARS,
    '64 characters, not UTF-16 units',
  );
});

const refused: Array<[string, unknown, RegExp]> = [
  ['empty', '   ', /must not be empty/],
  ['not a string', 42, /is a string/],
  ['too long', 'a'.repeat(MAX_NAME_CHARS + 1), /at most 64 characters, got 65/],
  ['a zero-width space', 'alice\u200b', /U\+200B/],
  ['a right-to-left override', '\u202eecila', /U\+202E/],
  ['a bidi isolate', 'a\u2066b', /U\+2066/],
  ['an escape sequence', 'x\u001b[2J', /U\+001B/],
  ['a newline', 'a\nb', /U\+000A/],
  ['a byte-order mark', '\ufeffbob', /U\+FEFF/],
  ['a line separator', 'a\u2028b', /U\+2028/],
];
for (const [what, name, message] of refused) {
  test(`a name with ${what} is refused as [bad-name]`, t => {
    t.throws(() => normaliseName(name), { message: /^\[bad-name\]/ });
    t.throws(() => normaliseName(name), { message });
  });
}

test('look-alike names clash; different names do not', t => {
  const clashes: Array<[string, string]> = [
    ['alice', 'Alice'],
    ['alice', 'аlice'], // Cyrillic а
    ['paypal', 'pаypаl'],
    ['I', 'l'],
    ['rn', 'm'],
    ['0', 'O'],
  ];
  for (const [a, b] of clashes) t.true(namesClash(a, b), `${a} ~ ${b}`);
  for (const [a, b] of [
    ['alice', 'alicia'],
    ['bob', 'rob'],
    ['ana', 'anna'],
  ])
    t.false(namesClash(a!, b!), `${a} vs ${b}`);
});
