// patches/@endo+captp+4.5.1.patch makes E.sendOnly one CTP_CALL without a
// questionID (docs/protocol.md §2.4): the callee runs it and answers nothing.
// Unpatched, each is a question, its return and its drop.
import test from '@endo/ses-ava/prepare-endo.js';
import { makeLoopback } from '@endo/captp';
import { E, Far } from '@endo/far';

interface Counter {
  add(n: number): void;
  fail(): void;
  seen(): number[];
}

const counter = () => {
  const seen: number[] = [];
  return {
    seen,
    far: Far('counter', {
      add: (n: number) => {
        seen.push(n);
      },
      fail: () => {
        throw Error('refused on purpose');
      },
      seen: () => harden([...seen]),
    }),
  };
};

test('E.sendOnly is one CTP_CALL: no question, no return, no drop', async t => {
  const { makeFar, getFarStats, getNearStats } = makeLoopback('send-only');
  const { far, seen } = counter();
  const remote = (await makeFar(far)) as unknown as Counter;
  // The near side calls the far object; the far side answers.
  const before = { ...getNearStats().send };
  const farBefore = { ...getFarStats().send };
  for (let i = 1; i <= 5; i += 1) E.sendOnly(remote).add(i);
  // A call after the one-way ones returns after they ran: calls keep their order.
  t.deepEqual(await E(remote).seen(), [1, 2, 3, 4, 5]);
  t.deepEqual(seen, [1, 2, 3, 4, 5]);
  const sent = (type: string) => (getNearStats().send[type] ?? 0) - (before[type] ?? 0);
  const answered = (type: string) => (getFarStats().send[type] ?? 0) - (farBefore[type] ?? 0);
  t.is(sent('CTP_CALL'), 6, 'five one-way calls and the one call');
  t.is(answered('CTP_RETURN'), 1, 'only the call is answered');
  t.is(sent('CTP_DROP'), 1, 'only the call’s answer is dropped');
});

test('a one-way call that throws sends nothing back and is reported to the callee’s onReject', async t => {
  const rejections: unknown[] = [];
  // makeLoopback's third argument (the far side's options) is missing from its types.
  const withFarOptions = makeLoopback as (
    id: string,
    near?: object,
    far?: object,
  ) => ReturnType<typeof makeLoopback>;
  const { makeFar, getFarStats } = withFarOptions('send-only-fail', undefined, {
    onReject: (reason: unknown) => rejections.push(reason),
  });
  const { far } = counter();
  const remote = (await makeFar(far)) as unknown as Counter;
  const returns = getFarStats().send.CTP_RETURN ?? 0;
  E.sendOnly(remote).fail();
  await E(remote).seen(); // the failed one-way call ran before this one
  t.is((getFarStats().send.CTP_RETURN ?? 0) - returns, 1);
  t.true(rejections.some(r => (r as Error).message === 'refused on purpose'));
});
