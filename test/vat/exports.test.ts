import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far } from '@endo/far';
import { tempDir, testVat } from '../helpers.js';
import { startVat } from '../../vat/index.js';

const counter = () => {
  let n = 0;
  return Far('Counter', { incr: () => (n += 1) });
};

test('a named export keeps its sturdy ref across a restart; an unnamed one does not', async t => {
  const dataDir = tempDir(t);
  const first = await startVat({ dataDir });
  const named = first.export(counter(), { name: 'counter' });
  const unnamed = first.export(counter());
  await first.close();
  const second = await testVat(t, { dataDir });
  t.is(second.export(counter(), { name: 'counter' }), named);
  t.not(second.export(counter()), unnamed);
});

test('a revoked export can no longer be fetched', async t => {
  const bob = await testVat(t);
  const alice = await testVat(t);
  const ref = bob.export(counter(), { name: 'counter' });
  t.is(await E(await alice.fetch<{ incr(): number }>(ref)).incr(), 1);
  t.true(bob.revoke(ref));
  await t.throwsAsync(alice.fetch(ref), { message: /^\[unknown-ref\]/ });
  t.not(bob.export(counter(), { name: 'counter' }), ref, 'the name gets a new swissnum');
});

test('a revoked gift can no longer be redeemed, and the vat lets go of its target', async t => {
  const bob = await testVat(t);
  const alice = await testVat(t);
  const gift = bob.giftFor(counter(), alice.id);
  t.is(await E(await alice.redeem<{ incr(): number }>(gift)).incr(), 1);
  const gifts = bob.stats().gifts;
  t.true(bob.revoke(gift));
  t.is(bob.stats().gifts, gifts - 1);
  await t.throwsAsync(alice.redeem(gift), { message: /^\[unknown-gift\]/ });
  t.false(bob.revoke(gift), 'already gone');
  t.throws(() => alice.revoke(gift), { message: /^\[bad-ref\] that reference belongs to vat/ });
});

test('only far objects can be exported or gifted', async t => {
  const vat = await testVat(t);
  t.throws(() => vat.export(harden({ plain: 'record' })), {
    message: '[not-far] vat.export needs a far object (made with Far or makeExo), got a copyRecord',
  });
  t.throws(() => vat.export({ unhardened: true }), { message: /got a non-passable object/ });
  t.throws(() => vat.giftFor(counter(), 'not-a-vat-id'), { message: /^\[bad-vat-id\]/ });
});

test('a vat fetching its own reference gets the object itself, without the network', async t => {
  const vat = await testVat(t);
  const mine = counter();
  t.is(await vat.fetch(vat.export(mine)), mine);
  t.is(vat.stats().sessions, 0);
  await t.throwsAsync(vat.fetch(vat.export(mine).replace(/\/s\/.*/, '/s/AAAAAAAAAAAAAAAAAAAAAA')), {
    message: /^\[unknown-ref\] vat \w{8} has no such export of its own/,
  });
});

test('stats report sessions and exports; close leaves none', async t => {
  const bob = await testVat(t);
  const alice = await startVat({ dataDir: tempDir(t) });
  await alice.fetch(bob.export(counter()));
  t.like(alice.stats(), { sessions: 1, exports: 0 });
  t.like(bob.stats(), { sessions: 1, exports: 1 });
  await alice.close();
  await alice.close(); // idempotent
  t.is(alice.stats().sessions, 0);
  await t.throwsAsync(alice.fetch(bob.export(counter())), { message: /^\[closed\]/ });
});

test('bad options are refused with a clear error', async t => {
  await t.throwsAsync(startVat({ dataDir: tempDir(t), port: 70000 }), {
    message: /^\[bad-option\] port must be an integer from 0 to 65535/,
  });
  await t.throwsAsync(startVat({ dataDir: tempDir(t), host: '0.0.0.0' }), {
    message: /needs advertiseHost/,
  });
});

test('a per-peer export gives each fetching vat its own facet, made for its authenticated id', async t => {
  const bob = await testVat(t);
  const [alice, carol] = await Promise.all([testVat(t), testVat(t)]);
  const ref = bob.exportPerPeer(peer => Far('Door', { whoAmI: () => peer }));
  const [forAlice, forCarol] = await Promise.all([
    alice.fetch<{ whoAmI(): string }>(ref),
    carol.fetch<{ whoAmI(): string }>(ref),
  ]);
  t.deepEqual(await Promise.all([E(forAlice).whoAmI(), E(forCarol).whoAmI()]), [
    alice.id,
    carol.id,
  ]);
  t.is(await alice.fetch(ref), forAlice, 'fetched again, the same facet');
});

test('a vat signs with its own key', async t => {
  const vat = await testVat(t);
  const { verify } = await import('node:crypto');
  const { publicKeyOf } = await import('../../captp-transport/index.js');
  const message = Buffer.from('stoa/test/v1\nhello');
  t.true(verify(null, message, publicKeyOf(vat.id), vat.sign(message)));
});

test('an exported Far function is an object to fetch and call, not a facet maker', async t => {
  const bob = await testVat(t);
  const alice = await testVat(t);
  let calls = 0;
  const shout = Far('shout', (text: string) => {
    calls += 1;
    return text.toUpperCase();
  });
  const remote = await alice.fetch<typeof shout>(bob.export(shout));
  t.is(calls, 0, 'fetching did not call it');
  t.is(await E(remote)('hey'), 'HEY');
});

test('a second vat on the same data directory is refused while the first runs', async t => {
  const dataDir = tempDir(t);
  const first = await testVat(t, { dataDir });
  await t.throwsAsync(startVat({ dataDir }), {
    message: new RegExp(
      `^\\[data-dir-in-use\\] data directory .* is in use by process ${process.pid}`,
    ),
  });
  await first.close();
  const second = await startVat({ dataDir });
  t.is(second.id, first.id, 'free again once the first has closed');
  await second.close();
});

test('the store, which holds swissnums, is readable by its owner only', async t => {
  const { statSync, mkdirSync } = await import('node:fs');
  const dataDir = tempDir(t);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const vat = await testVat(t, { dataDir });
  vat.export(Far('x', {}), { name: 'x' });
  t.is(statSync(`${dataDir}/vat.db`).mode & 0o777, 0o600);
});
