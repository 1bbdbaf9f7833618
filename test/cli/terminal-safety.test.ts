// What peers send reaches a terminal as text, never as control: escape
// sequences, bidi overrides and invisible characters in names, lines and
// reasons are shown as visible `\u{…}`; and a mistyped `/command` is never
// sent to the room.
import test from '@endo/ses-ava/prepare-endo.js';
import { commandOf, describe } from '../../demo-community/cli/chat.js';
import { terminalJson, terminalText } from '../../demo-community/cli/terminal-text.js';

const ESC = '\u001b';

test('escape sequences, bidi overrides and invisible characters are shown, not obeyed', t => {
  t.is(terminalText(`${ESC}[2Jhi`), '\\u{1b}[2Jhi');
  t.is(terminalText(`${ESC}]0;pwned\u0007`), '\\u{1b}]0;pwned\\u{7}');
  t.is(terminalText('alice\u200b'), 'alice\\u{200b}');
  t.is(terminalText('abc\u202edef'), 'abc\\u{202e}def');
  t.is(terminalText('line\nbreak'), 'line\\u{a}break');
  t.is(
    terminalText('héllo, 世界 👨‍👩‍👧'),
    'héllo, 世界 👨‍👩‍👧',
    'ordinary text and emoji sequences stay as they are',
  );
});

test('the terminal chat shows a hostile name, line and removal reason as text', t => {
  const line = describe({
    type: 'message',
    line: {
      id: 'x',
      from: 'v',
      name: `${ESC}[2Jmallory`,
      text: `${ESC}[8mhidden`,
      ts: 0,
      mine: false,
      whisperTo: `${ESC}]0;t\u0007`,
    },
  });
  t.false(line.includes(ESC));
  t.is(line, '\\u{1b}[2Jmallory (whisper to \\u{1b}]0;t\\u{7}): \\u{1b}[8mhidden');
  t.is(
    describe({ type: 'removed', reason: `kicked${ESC}[2K` }),
    '* you were removed: kicked\\u{1b}[2K',
  );
});

test('a typed line is said, a known command run, and an unknown /word refused', t => {
  t.is(commandOf('hello'), 'say');
  t.is(commandOf('//not a command'), 'say');
  t.is(commandOf('/whisper erin hi'), 'command');
  t.is(commandOf('/help'), 'command');
  t.is(commandOf('/whsiper erin my password is hunter2'), 'unknown');
});

test('JSON output (stoa rooms, call, audit) escapes what a terminal would obey, and parses to the same value', t => {
  const hostile = {
    name: `${ESC}[2Jmallory\u009b31m\u202eevil\u2028`,
    tag: 'x\u{e0041}',
    plain: 'héllo 👨‍👩‍👧',
  };
  const out = terminalJson(hostile, 2);
  t.is(
    JSON.stringify(JSON.parse(out)),
    JSON.stringify(hostile),
    'a JSON reader gets the same value',
  );
  const obeyed = [...out].filter(
    c => c !== '\n' && c !== '\u200d' && /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(c),
  );
  t.deepEqual(obeyed, [], 'nothing raw a terminal would obey (layout newlines aside)');
  t.regex(out, /\\u001b\[2Jmallory\\u009b31m\\u202eevil\\u2028/);
  t.regex(out, /x\\udb40\\udc41/, 'an astral format character as its surrogate pair');
  t.true(out.includes('héllo 👨‍👩‍👧'));
  t.is(terminalJson(12n), '"12n"');
});
