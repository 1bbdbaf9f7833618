// presence/window-store.ts queues its writes and writes them in one
// transaction at `flush` (the presence flushes before an acknowledgement or
// one of its own envelopes leaves the vat): queued writes are not on disk,
// flushed ones are, in the order they were queued.
import test from '@endo/ses-ava/prepare-endo.js';
import { openWindowStore } from '../../presence/window-store.js';
import { tempDir, testVat } from '../helpers.js';

const wire = (n: number) => ({ header: `h${n}`, sig: `s${n}`, content: `c${n}`, salt: `x${n}` });

test('writes wait for flush, then land together and in order', async t => {
  const vat = await testVat(t);
  const store = openWindowStore(vat);
  store.save(
    'r',
    [{ id: 'a', wire: wire(1), receivedAt: 1 }],
    [{ author: 'alice', stream: '*', seq: 1, id: 'a' }],
  );
  store.save('r', [{ id: 'b', wire: wire(2), receivedAt: 2 }], []);
  store.forget('r', ['a']);
  t.deepEqual(store.load('r'), { envelopes: [], heads: [] }, 'nothing on disk before flush');
  store.flush();
  t.deepEqual(store.load('r'), {
    envelopes: [{ wire: wire(2), receivedAt: 2 }],
    heads: [{ author: 'alice', stream: '*', seq: 1, id: 'a' }],
  });
  store.flush(); // nothing queued: nothing happens
  t.is(openWindowStore(vat).load('r').envelopes.length, 1, 'another reader sees it');
});

test('what is still queued when the vat closes is written first; afterwards flush does nothing', async t => {
  const dataDir = tempDir(t);
  const vat = await testVat(t, { dataDir });
  const store = openWindowStore(vat);
  store.save('r', [{ id: 'a', wire: wire(1), receivedAt: 1 }], []);
  await vat.close();
  t.notThrows(() => store.flush());
  const again = await testVat(t, { dataDir });
  t.deepEqual(openWindowStore(again).load('r').envelopes, [{ wire: wire(1), receivedAt: 1 }]);
});
