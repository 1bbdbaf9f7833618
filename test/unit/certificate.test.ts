import test from '@endo/ses-ava/prepare-endo.js';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
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
