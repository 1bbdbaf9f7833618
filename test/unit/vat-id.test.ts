import test from '@endo/ses-ava/prepare-endo.js';
import { generateKeyPairSync, verify } from 'node:crypto';
import {
  checkVatId,
  publicKeyOf,
  vatIdFromRawKey,
  vatIdOfKey,
} from '../../captp-transport/index.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
// Small-order Ed25519 points (libsodium's blocklist), canonical encodings.
const SMALL_ORDER = {
  'the identity (order 1)': '0100000000000000000000000000000000000000000000000000000000000000',
  'order 2': 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'order 4': '0000000000000000000000000000000000000000000000000000000000000000',
  'order 8': '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'order 8, the other': 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
};

test('a vat id is the base32 of the raw public key and round-trips through a KeyObject', t => {
  const { publicKey } = generateKeyPairSync('ed25519');
  const vatId = vatIdOfKey(publicKey);
  t.regex(vatId, /^[a-z2-7]{52}$/);
  t.is(vatIdOfKey(publicKeyOf(vatId)), vatId);
  t.is(publicKeyOf(vatId), publicKeyOf(vatId), 'KeyObjects are cached per vat id');
});

for (const [name, encoding] of Object.entries(SMALL_ORDER)) {
  test(`a small-order key is refused: ${name}`, t => {
    t.throws(() => checkVatId(vatIdFromRawKey(hex(encoding))), {
      message: /^\[bad-vat-id\] .*small-order/,
    });
  });
}

test('node:crypto alone would accept a trivial forgery under the identity key, which is why it is refused', t => {
  const identity = hex(SMALL_ORDER['the identity (order 1)']);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]);
  const signature = Buffer.concat([identity, Buffer.alloc(32)]); // R = identity, S = 0
  const forgedOk = verify(
    null,
    Buffer.from('any message at all'),
    { key: spki, format: 'der', type: 'spki' },
    signature,
  );
  t.true(forgedOk, 'OpenSSL verifies R=O, S=0 under A=O');
  t.throws(() => publicKeyOf(vatIdFromRawKey(identity)), { message: /small-order/ });
});

test('a non-canonical key encoding (y >= p) is refused', t => {
  // p + 2, which would reduce to y = 2.
  const nonCanonical = 'efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f';
  t.throws(() => checkVatId(vatIdFromRawKey(hex(nonCanonical))), {
    message: /not a canonical Ed25519 point|small-order/,
  });
});

test('a second base32 spelling of one key (non-zero padding bits) is refused', t => {
  const { publicKey } = generateKeyPairSync('ed25519');
  const vatId = vatIdOfKey(publicKey);
  const last = vatId.at(-1)!;
  // The last character carries 1 bit of key and 4 padding bits.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const twin = vatId.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
  t.throws(() => checkVatId(twin), { message: /non-canonical/ });
});

test('malformed vat ids are refused with a clear error', t => {
  for (const bad of ['', 'abc', 'A'.repeat(52), '1'.repeat(52), 'a'.repeat(53)]) {
    t.throws(() => checkVatId(bad), { message: /^\[bad-vat-id\] not a vat id/ });
  }
});
