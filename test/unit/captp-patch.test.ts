import test from '@endo/ses-ava/prepare-endo.js';
import { makeCapTP, makeLoopback } from '@endo/captp';
import { E, Far, passStyleOf } from '@endo/far';
import { assertCapTPPatched } from '../../captp-transport/captp-patch-check.js';

test("the installed @endo/captp carries Stoa's patch (vats refuse to start without it)", async t => {
  await t.notThrowsAsync(assertCapTPPatched());
});

// makeLoopback passes its options on to the near side's makeCapTP; its types omit them.
const withOptions = makeLoopback as (
  id: string,
  nearOptions: { gcImports: boolean },
) => ReturnType<typeof makeLoopback>;

test('with gcImports each answered question is dropped once, and a call on an export still reaches it', async t => {
  // Sessions collect imports (gcImports): deleting a returned question's
  // import finalizes it, which sends its drop; the patch sent a second one.
  const { makeFar, getNearStats, getFarStats } = withOptions('one-drop', { gcImports: true });
  const far = (await makeFar(Far('probe', { ping: (n: number) => n + 1 }))) as {
    ping(n: number): number;
  };
  const before = getNearStats().send.CTP_DROP ?? 0;
  const returned = getFarStats().send.CTP_RETURN ?? 0;
  const calls = 5;
  for (let i = 0; i < calls; i += 1) t.is(await E(far).ping(i), i + 1);
  t.is((getNearStats().send.CTP_DROP ?? 0) - before, calls, 'one CTP_DROP per returned question');
  t.is((getFarStats().send.CTP_RETURN ?? 0) - returned, calls, 'every call answered');
});

test("makeCapTP's makeRemoteKit still hands out a hardened kit whose settler is Far", async t => {
  // Inside, a question's settler is a plain record (a Far one per question
  // cost two prototypes and four hardens); the kit captp returns is as before.
  // captp's types omit makeRemoteKit, which its makeCapTP returns.
  const captp = makeCapTP('kit', () => {}, undefined) as unknown as {
    makeRemoteKit(target: string): {
      promise: Promise<unknown>;
      settler: { resolve(v: unknown): void };
    };
  };
  const kit = captp.makeRemoteKit('o-1');
  t.true(Object.isFrozen(kit));
  t.is(passStyleOf(kit.settler) as string, 'remotable');
  kit.settler.resolve(5);
  t.is(await kit.promise, 5);
});
