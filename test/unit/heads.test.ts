// Which heads a line names (docs/protocol.md §5.6): peers another named head
// already implies are left out, and at most maxHeads are named.
import test from '@endo/ses-ava/prepare-endo.js';
import type { Head } from '../../presence/envelope.js';
import { chooseHeads } from '../../presence/heads.js';

const id = (c: string) => c.repeat(64);
const [A, B, C, D] = ['a', 'b', 'c', 'd'].map(c => c.repeat(52)) as [
  string,
  string,
  string,
  string,
];

test('a peer named by the head we name, at that seq or later, is implied and left out', t => {
  const moved: Head[] = [
    [B, 5, id('b')],
    [C, 3, id('c')],
    [D, 7, id('d')],
  ];
  const inner = new Map<string, Head[]>([[B, [[C, 4, id('e')]]]]);
  const { named, implied } = chooseHeads(moved, ([author]) => inner.get(author), 8);
  t.deepEqual(named, [
    [B, 5, id('b')],
    [D, 7, id('d')],
  ]);
  t.deepEqual(implied, [[C, 3, id('c')]]);
});

test('a head named at the same seq implies only the same envelope (not an equivocating one)', t => {
  const moved: Head[] = [
    [B, 5, id('b')],
    [C, 3, id('c')],
  ];
  const names = (inner: Head) => chooseHeads(moved, ([a]) => (a === B ? [inner] : []), 8);
  t.deepEqual(names([C, 3, id('c')]).implied, [[C, 3, id('c')]]);
  t.deepEqual(names([C, 3, id('f')]).implied, [], 'another envelope at C 3 implies nothing');
  t.deepEqual(names([C, 2, id('c')]).implied, [], 'an earlier one neither');
});

test('at most maxHeads are named, the most recent deliverers first, sorted by author', t => {
  const moved: Head[] = [
    [D, 1, id('d')],
    [A, 1, id('a')],
    [C, 1, id('c')],
  ];
  const { named, implied } = chooseHeads(moved, () => undefined, 2);
  t.deepEqual(named, [
    [A, 1, id('a')],
    [D, 1, id('d')],
  ]);
  t.deepEqual(implied, []);
});
