import test from '@endo/ses-ava/prepare-endo.js';
import { Far } from '@endo/far';
import { generateKeyPairSync } from 'node:crypto';
import { vatIdOfKey } from '../../captp-transport/index.js';
import { makeFailureBudget } from '../../vat/failure-budget.js';
import { makeGiftTable } from '../../vat/gift-table.js';

const newVatId = () => vatIdOfKey(generateKeyPairSync('ed25519').publicKey);
const clock = () => {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

test('a peer gets a burst of failures, then waits; others are unaffected', t => {
  const time = clock();
  const budget = makeFailureBudget(3, 1000, { now: time.now });
  const [mallory, bob] = [newVatId(), newVatId()];
  for (let i = 0; i < 3; i += 1) {
    budget.check(mallory);
    budget.spend(mallory);
  }
  t.throws(() => budget.check(mallory), {
    message: /^\[rate-limited\] too many failed lookups from vat \w{8}; retry in 1 s/,
  });
  t.notThrows(() => budget.check(bob));
  time.advance(1000);
  t.notThrows(() => budget.check(mallory), 'one more try after the refill period');
});

test('fresh identities do not buy fresh guesses: the vat-wide budget runs out too', t => {
  const time = clock();
  const budget = makeFailureBudget(3, 1000, { vatBurst: 5, vatRefillMs: 1000, now: time.now });
  for (let i = 0; i < 5; i += 1) {
    const sybil = newVatId();
    budget.check(sybil);
    budget.spend(sybil);
  }
  t.throws(() => budget.check(newVatId()), {
    message: /^\[rate-limited\] too many failed lookups from all peers together; retry in 1 s/,
  });
});

test('a gift is claimed only by its recipient, and only until it expires', t => {
  const time = clock();
  const gifts = makeGiftTable(10, time.now);
  const [alice, mallory] = [newVatId(), newVatId()];
  const thing = Far('thing', {});
  const id = gifts.mint(thing, alice, 500);
  t.is(gifts.claim(id, mallory), undefined);
  t.is(gifts.claim(id, alice), thing);
  t.is(gifts.claim(id, alice), thing, 'the recipient may come back until expiry');
  time.advance(500);
  t.is(gifts.claim(id, alice), undefined);
  t.is(gifts.size(), 0, 'the expired gift is gone');
});

test('minting past the gift limit is refused once expired gifts are swept', t => {
  const time = clock();
  const gifts = makeGiftTable(2, time.now);
  const alice = newVatId();
  gifts.mint(Far('a', {}), alice, 100);
  gifts.mint(Far('b', {}), alice, 1000);
  t.throws(() => gifts.mint(Far('c', {}), alice, 100), {
    message: /^\[too-many-gifts\] 2 gifts are outstanding/,
  });
  time.advance(100);
  t.notThrows(() => gifts.mint(Far('c', {}), alice, 100), 'the expired one made room');
});
