// captp-transport/certificate.ts: the self-signed X.509 certificate over a vat's
// Ed25519 key that TLS presents on both sides (docs/protocol.md §2).
// We encode the small DER structure here rather than use @peculiar/x509, whose
// reflect-metadata dependency adds a registry symbol to Reflect that lockdown() refuses.
// Nothing in the certificate is trusted but its public key: peers pin the key
// to the VatId, so names, validity and serial are informational.
import { randomBytes, sign, type X509Certificate, type KeyObject } from 'node:crypto';
import { vatIdOfKey, type VatId } from './vat-id.js';

const der = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else len = Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
};
const seq = (...parts: Buffer[]) => der(0x30, ...parts);
const ED25519_ALGORITHM = seq(der(0x06, Buffer.from([0x2b, 0x65, 0x70]))); // 1.3.101.112
const COMMON_NAME_OID = der(0x06, Buffer.from([0x55, 0x04, 0x03])); // 2.5.4.3

const name = (cn: string) =>
  seq(der(0x31, seq(COMMON_NAME_OID, der(0x0c, Buffer.from(cn, 'utf8')))));

const utcTime = (d: Date) =>
  der(0x17, Buffer.from(`${d.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`));

/**
 * Makes a self-signed certificate (PEM) for an Ed25519 key pair, valid from a
 * day ago with no practical expiry ("99991231235959Z", RFC 5280 §4.1.2.5).
 */
export const makeCertificate = (publicKey: KeyObject, privateKey: KeyObject): string => {
  const vatId = vatIdOfKey(publicKey);
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // a positive INTEGER
  serial[0] |= 0x01; // with no leading zero byte to strip
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))), // version v3
    der(0x02, serial),
    ED25519_ALGORITHM,
    name(`stoa ${vatId}`),
    seq(utcTime(new Date(Date.now() - 86_400_000)), der(0x18, Buffer.from('99991231235959Z'))),
    name(`stoa ${vatId}`),
    publicKey.export({ format: 'der', type: 'spki' }),
  );
  const signature = sign(null, tbs, privateKey);
  const cert = seq(tbs, ED25519_ALGORITHM, der(0x03, Buffer.from([0]), signature));
  const b64 = (cert.toString('base64').match(/.{1,64}/g) ?? []).join('\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
};
harden(makeCertificate);

/** The VatId a peer's certificate speaks for (its pinned Ed25519 key). */
export const vatIdOfCertificate = (cert: X509Certificate): VatId => vatIdOfKey(cert.publicKey);
harden(vatIdOfCertificate);
