// patches/ses+2.3.0.patch: harden reads an object's descriptors one key at a
// time instead of through getOwnPropertyDescriptors (three times faster on
// V8 for small objects). What it freezes, and what a Proxy sees it do, must
// be what the unpatched harden did.
import test from '@endo/ses-ava/prepare-endo.js';

const TRAPS = [
  'getPrototypeOf',
  'setPrototypeOf',
  'isExtensible',
  'preventExtensions',
  'getOwnPropertyDescriptor',
  'defineProperty',
  'has',
  'get',
  'set',
  'deleteProperty',
  'ownKeys',
] as const;

const proxies = new WeakSet<object>();

/** A Proxy on `target` that logs each trap (and the key it is about) under `name`. */
const logged = (name: string, target: object, log: string[]) => {
  const proxy = new Proxy(
    target,
    Object.fromEntries(
      TRAPS.map(trap => [
        trap,
        (...args: unknown[]) => {
          log.push(
            `${name}.${trap}${typeof args[1] === 'undefined' ? '' : `(${String(args[1])})`}`,
          );
          return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ),
  );
  proxies.add(proxy);
  return proxy;
};

const tag = Symbol('tag');
const targets = () => {
  const inner = { deep: [1, 2] };
  return {
    first: { b: 1, a: inner, [tag]: 'sym' },
    second: Object.defineProperty([3, 4], 'extra', {
      get() {
        return 5;
      },
      enumerable: false,
      configurable: true,
    }),
  };
};

/**
 * The unpatched harden's operations on each object it visits, in its order
 * (ses 2.3.0 baseFreezeAndTraverse): freeze, getOwnPropertyDescriptors,
 * getPrototypeOf; the objects it found are visited after, in the order found.
 */
const unpatchedHarden = (root: object) => {
  const seen = new Set<object>([root]);
  for (const obj of seen) {
    Object.freeze(obj);
    const descs = Object.getOwnPropertyDescriptors(obj);
    const found = [Object.getPrototypeOf(obj)];
    for (const key of Reflect.ownKeys(descs)) {
      const desc = (descs as Record<PropertyKey, PropertyDescriptor>)[key]!;
      if (Object.hasOwn(desc, 'value')) found.push(desc.value);
      else found.push(desc.get, desc.set);
    }
    // Already hardened (the intrinsics): harden skips them without a trap.
    // Asking a proxy isFrozen would be a trap of its own, so proxies are never skipped.
    for (const value of found)
      if ((typeof value === 'object' && value !== null) || typeof value === 'function')
        if (proxies.has(value) || !Object.isFrozen(value)) seen.add(value);
  }
};

test('a Proxy sees the traps of the unpatched harden, in the same order', t => {
  const patchedLog: string[] = [];
  const a = targets();
  harden({ p: logged('first', a.first, patchedLog), q: logged('second', a.second, patchedLog) });
  const unpatchedLog: string[] = [];
  const b = targets();
  unpatchedHarden({
    p: logged('first', b.first, unpatchedLog),
    q: logged('second', b.second, unpatchedLog),
  });
  t.true(patchedLog.length > 10);
  t.deepEqual(patchedLog, unpatchedLog);
});

test('harden still freezes all it reaches: values, accessors, symbol keys, prototypes', t => {
  const getter = () => 1;
  const proto = { inherited: { x: 1 } };
  const obj = Object.create(proto, {
    data: { value: { nested: [{ leaf: true }] }, enumerable: true, configurable: true },
    [tag]: { value: { bySymbol: {} }, enumerable: false, configurable: true, writable: true },
    both: { get: getter, set: (_v: unknown) => {}, enumerable: true, configurable: true },
  });
  class Point {
    constructor(public x: number) {}
  }
  harden(obj);
  harden(Point);
  const reached = [
    obj,
    obj.data,
    obj.data.nested,
    obj.data.nested[0],
    obj[tag],
    obj[tag].bySymbol,
    getter,
    Object.getOwnPropertyDescriptor(obj, 'both')!.set,
    proto,
    proto.inherited,
    Point,
    Point.prototype,
  ];
  for (const [i, value] of reached.entries()) t.true(Object.isFrozen(value), `object ${i} frozen`);
  t.throws(() => {
    (obj.data.nested as unknown[]).push(1);
  });
});
