// boundedMemo keeps results for recurring keys, at most `limit`, forgetting the oldest first; a throw is not kept.
import test from '@endo/ses-ava/prepare-endo.js';
import { boundedMemo } from '../../captp-transport/index.js';

test('a result is computed once per key while kept, and the oldest key goes first', t => {
  const computed: string[] = [];
  const upper = boundedMemo(2, (key: string) => {
    computed.push(key);
    return key.toUpperCase();
  });
  t.is(upper('a'), 'A');
  t.is(upper('a'), 'A');
  t.is(upper('b'), 'B');
  t.deepEqual(computed, ['a', 'b']);
  t.is(upper('c'), 'C'); // over the limit: 'a' is forgotten
  t.is(upper('b'), 'B');
  t.is(upper('a'), 'A');
  t.deepEqual(computed, ['a', 'b', 'c', 'a']);
});

test('a key whose computation throws is asked again next time', t => {
  let calls = 0;
  const checked = boundedMemo(8, (key: string) => {
    calls += 1;
    if (key === 'bad') throw Error('[bad] no');
    return key.length;
  });
  t.throws(() => checked('bad'), { message: '[bad] no' });
  t.throws(() => checked('bad'), { message: '[bad] no' });
  t.is(calls, 2);
  t.is(checked('good'), 4);
});
