import test from '@endo/ses-ava/prepare-endo.js';
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { makeCertificate, vatIdOfCertificate, vatIdOfKey } from '../../captp-transport/index.js';

test('the certificate parses with node:crypto, is self-signed, and carries the vat key', t => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const cert = new X509Certificate(makeCertificate(publicKey, privateKey));
  t.true(cert.verify(publicKey), 'signed by its own key');
  t.true(cert.checkIssued(cert), 'issuer is subject');
  t.is(vatIdOfCertificate(cert), vatIdOfKey(publicKey));
  t.is(cert.subject, `CN=stoa ${vatIdOfKey(publicKey)}`);
  t.true(new Date(cert.validFrom) < new Date());
  t.is(cert.validTo, 'Dec 31 23:59:59 9999 GMT');
  t.false(cert.ca);
});

test('a certificate over another kind of key does not yield a vat id', t => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  t.throws(() => vatIdOfKey(publicKey), { message: /expected an Ed25519 key, got "ec"/ });
});

// No TLS stack signs with these keys, so the check is tested here, on the
// certificate the listener would read: the key a peer presents is refused.
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const presented = (rawKey: Buffer) => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = createPublicKey({
    key: Buffer.concat([SPKI_ED25519, rawKey]),
    format: 'der',
    type: 'spki',
  });
  return new X509Certificate(makeCertificate(key, privateKey));
};

test('a presented certificate with a small-order key yields no vat id', t => {
  const identity = Buffer.from(`01${'00'.repeat(31)}`, 'hex'); // the identity point, order 1
  t.throws(() => vatIdOfCertificate(presented(identity)), {
    message: /^\[bad-vat-id\] .*small-order/,
  });
});

test('a presented certificate with a non-canonical key encoding (y >= p) yields no vat id', t => {
  // y = p + 1 encodes the same point as y = 1 (the identity) but is not canonical.
  const nonCanonical = Buffer.from(`ee${'ff'.repeat(30)}7f`, 'hex');
  t.throws(() => vatIdOfCertificate(presented(nonCanonical)), { message: /^\[bad-vat-id\]/ });
});
