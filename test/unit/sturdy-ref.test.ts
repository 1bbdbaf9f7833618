import test from '@endo/ses-ava/prepare-endo.js';
import { generateKeyPairSync } from 'node:crypto';
import { vatIdOfKey } from '../../captp-transport/index.js';
import { formatRef, makeSecret, parseRef } from '../../vat/sturdy-ref.js';

const vatId = vatIdOfKey(generateKeyPairSync('ed25519').publicKey);
const at = (host: string, port: number, via: 'direct' | 'relay' = 'direct') => ({
  via,
  host,
  port,
});

test('a sturdy ref round-trips: vat id, host, port, swissnum', t => {
  const secret = makeSecret();
  t.regex(secret, /^[A-Za-z0-9_-]{22}$/, '128 bits, base64url');
  const uri = formatRef({ kind: 's', vatId, addresses: [at('127.0.0.1', 7000)], secret });
  t.is(uri, `stoa://${vatId}@127.0.0.1:7000/s/${secret}`);
  t.deepEqual(parseRef(uri), { kind: 's', vatId, addresses: [at('127.0.0.1', 7000)], secret });
});

test('an IPv6 host is bracketed in the URI and bare in the parsed ref', t => {
  const uri = formatRef({ kind: 'g', vatId, addresses: [at('::1', 9)], secret: makeSecret() });
  t.true(uri.includes('@[::1]:9/g/'));
  t.is(parseRef(uri).addresses[0]!.host, '::1');
});

test('a ref names up to four addresses, direct or relayed, in the order to try them', t => {
  const secret = makeSecret();
  const addresses = [at('10.1.0.2', 7000), at('172.31.0.1', 4000, 'relay'), at('::1', 9, 'relay')];
  const uri = formatRef({ kind: 's', vatId, addresses, secret });
  t.is(uri, `stoa://${vatId}@10.1.0.2:7000,relay:172.31.0.1:4000,relay:[::1]:9/s/${secret}`);
  t.deepEqual(parseRef(uri).addresses, addresses);
  const five = `stoa://${vatId}@${Array(5).fill('h:1').join(',')}/s/${secret}`;
  t.throws(() => parseRef(five), { message: /^\[bad-ref\] at most 4 addresses, got 5/ });
  for (const list of [
    'h:1,',
    ',h:1',
    'h:1,,h:2',
    'relay:h',
    'relay:',
    'tor:h:1',
    'h:1,relay:h:0',
  ]) {
    const error = t.throws(() => parseRef(`stoa://${vatId}@${list}/s/${secret}`), {
      message: /^\[bad-ref\]/,
    });
    t.false(error!.message.includes(secret), list);
  }
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
  const uri = formatRef({
    kind: 'g',
    vatId,
    addresses: [at('127.0.0.1', 7000)],
    secret: makeSecret(),
  });
  t.throws(() => parseRef(uri, 's'), { message: /expected a sturdy ref \(\/s\/\), got a gift/ });
});
