// Three-party introductions: a gift minted in one process is redeemable only
// by the vat it names, and the redeemer then talks to the giver directly.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { fixtureVat, testVat } from '../helpers.js';

interface Fixture {
  giftFor(recipient: string): string;
}
interface Gifted {
  hello(): string;
}

test('a gift is redeemed by its recipient, directly from the vat that holds the object', async t => {
  const bob = await fixtureVat(t);
  const alice = await testVat(t);
  const carol = await testVat(t);
  // Alice asks Bob for a gift meant for Carol and hands Carol the URI as data.
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  const gift = await E(fixture).giftFor(carol.id);
  t.regex(gift, new RegExp(`^stoa://${bob.vatId}@${bob.address}/g/`));
  const gifted = await carol.redeem<Gifted>(gift);
  t.is(await E(gifted).hello(), `hello, ${carol.id.slice(0, 8)}`);
  t.deepEqual(
    carol.stats().peers.map(p => p.peer),
    [bob.vatId],
    'Carol talks to Bob directly; Alice is not in the path',
  );
});

test('a gift is refused to any vat but its recipient, without revealing the gift id', async t => {
  const bob = await fixtureVat(t);
  const alice = await testVat(t);
  const mallory = await testVat(t);
  const fixture = await alice.fetch<Fixture>(String(bob.ready.control));
  const gift = await E(fixture).giftFor(alice.id);
  const giftId = gift.split('/g/')[1]!;
  const error = await t.throwsAsync(mallory.redeem(gift), {
    message: new RegExp(
      `^\\[unknown-gift\\] vat ${bob.vatId.slice(0, 8)} has no live gift for this vat under the id presented by vat ${mallory.id.slice(0, 8)}`,
    ),
  });
  t.false(error!.message.includes(giftId));
  t.false(bob.stderr().includes(giftId), 'nor is it logged');
  t.is(
    await E(await alice.redeem<Gifted>(gift)).hello(),
    `hello, ${alice.id.slice(0, 8)}`,
    'the recipient still can',
  );
});
