// patches/@endo+patterns+1.9.1.patch: matching a split array (every method
// guard's arguments) no longer hardens the parts it only reads. The rest part,
// matched as a passable, is still hardened; what a guard accepts and refuses
// is as before.
import test from '@endo/ses-ava/prepare-endo.js';
import { makeExo } from '@endo/exo';
import { M, matches, mustMatch } from '@endo/patterns';

const shape = M.splitArray([M.string()], [M.number()], M.arrayOf(M.number()));

test('a split array with required, optional and rest parts matches as before', t => {
  for (const ok of [['a'], ['a', 1], ['a', 1, 2, 3], ['a', undefined]])
    t.true(matches(harden(ok), shape), JSON.stringify(ok));
  for (const bad of [[], [1], ['a', 'x'], ['a', 1, 'y'], ['a', 1, 2, 'z']])
    t.false(matches(harden(bad), shape), JSON.stringify(bad));
  t.throws(() => mustMatch(harden(['a', 1, 2, 'z']), shape), { message: /\.\.\.rest/ });
  t.throws(() => mustMatch(harden(['a', 'x']), shape), { message: /arg 1\?/ });
});

test("a method guard's arguments pass and fail as before", t => {
  const exo = makeExo(
    'guarded',
    M.interface('guarded', {
      sum: M.call(M.string()).optional(M.number()).rest(M.arrayOf(M.number())).returns(M.number()),
    }),
    {
      sum: (_label: string, first = 0, ...rest: number[]) =>
        first + rest.reduce((a, b) => a + b, 0),
    },
  );
  const sum = (...args: unknown[]) => (exo.sum as (...a: unknown[]) => number).apply(exo, args);
  t.is(sum('x'), 0);
  t.is(sum('x', 1, 2, 3), 6);
  t.throws(() => sum(1), { message: /arg 0/ });
  t.throws(() => sum('x', 1, 'two'), { message: /\.\.\.rest/ });
});
