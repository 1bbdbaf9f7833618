// patches/@endo+eventual-send+1.5.0.patch: the Proxy handler behind E(x) and
// E.sendOnly(x) is no longer hardened (no code can reach it). Everything E()
// hands out behaves as before: methods are hardened functions that check
// their receiver, calls and one-way calls reach their target, `in` says yes.
import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far } from '@endo/far';

const target = () => {
  const calls: unknown[][] = [];
  const far = Far('target', {
    add: (a: number, b: number) => a + b,
    note: (...args: unknown[]) => {
      calls.push(args);
    },
  });
  return { far, calls };
};

test('E(x).method(...) calls it eventually and resolves to its result', async t => {
  const { far } = target();
  t.is(await E(far).add(2, 3), 5);
});

test("E(x)'s methods are hardened functions that refuse another receiver", async t => {
  const { far } = target();
  const proxy = E(far);
  const { add } = proxy;
  t.true(Object.isFrozen(add));
  await t.throwsAsync(add.call({}, 1, 2), { message: /Unexpected receiver for ""add"" method/ });
  t.true('anything' in proxy);
});

test('E(fn)(...) calls a function', async t => {
  const double = Far('double', (n: number) => n * 2);
  t.is(await E(double)(21), 42);
});

test('E.sendOnly(x).method(...) returns nothing and still reaches the target', async t => {
  const { far, calls } = target();
  const proxy = E.sendOnly(far);
  t.true(Object.isFrozen(proxy.note));
  t.is(proxy.note('one-way', 1) as unknown, undefined);
  t.throws(() => proxy.note.call({}, 'x'), { message: /Unexpected receiver for ""note"" method/ });
  await E(far).add(0, 0); // later than the one-way call on the same target
  t.deepEqual(calls, [['one-way', 1]]);
});
