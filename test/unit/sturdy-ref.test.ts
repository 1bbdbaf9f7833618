import test from '@endo/ses-ava/prepare-endo.js';
import { generateKeyPairSync } from 'node:crypto';
import { vatIdOfKey } from '../../captp-transport/index.js';
import { formatRef, makeSecret, parseRef } from '../../vat/sturdy-ref.js';

const vatId = vatIdOfKey(generateKeyPairSync('ed25519').publicKey);

test('a sturdy ref round-trips: vat id, host, port, swissnum', t => {
  const secret = makeSecret();
  t.regex(secret, /^[A-Za-z0-9_-]{22}$/, '128 bits, base64url');
  const uri = formatRef({ kind: 's', vatId, host: '127.0.0.1', port: 7000, secret });
  t.is(uri, `stoa://${vatId}@127.0.0.1:7000/s/${secret}`);
  t.deepEqual(parseRef(uri), { kind: 's', vatId, host: '127.0.0.1', port: 7000, secret });
});

test('an IPv6 host is bracketed in the URI and bare in the parsed ref', t => {
  const uri = formatRef({ kind: 'g', vatId, host: '::1', port: 9, secret: makeSecret() });
  t.true(uri.includes('@[::1]:9/g/'));
  t.is(parseRef(uri).host, '::1');
});

test('malformed refs are refused without echoing the secret', t => {
  const secret = makeSecret();
  const bad = [
    `http://${vatId}@127.0.0.1:7000/s/${secret}`,
    `stoa://${vatId}@127.0.0.1/s/${secret}`,
    `stoa://${vatId}@127.0.0.1:7000/x/${secret}`,
    `stoa://${vatId}@127.0.0.1:99999/s/${secret}`,
    `stoa://notavatid@127.0.0.1:7000/s/${secret}`,
    `stoa://${'a'.repeat(52)}@127.0.0.1:7000/s/${secret}`,
  ];
  for (const uri of bad) {
    const error = t.throws(() => parseRef(uri), { message: /^\[bad-ref\]/ });
    t.false(error!.message.includes(secret), uri);
  }
});

test('a gift is not accepted where a sturdy ref is expected', t => {
  const uri = formatRef({ kind: 'g', vatId, host: '127.0.0.1', port: 7000, secret: makeSecret() });
  t.throws(() => parseRef(uri, 's'), { message: /expected a sturdy ref \(\/s\/\), got a gift/ });
});
