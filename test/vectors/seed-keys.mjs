// Ed25519 keys from a repeated seed byte, and their VatIds (docs/protocol.md
// §1.1: lower-case base32 of the raw key, no padding), for the vector scripts
// beside this file. node:crypto only, nothing of Stoa's code.
import { createPrivateKey, createPublicKey } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const base32 = bytes => {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
};
export const keyOf = seedByte => {
  const key = createPrivateKey({
    key: Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.alloc(32, seedByte),
    ]),
    format: 'der',
    type: 'pkcs8',
  });
  const raw = createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12);
  return { key, raw, vatId: base32(raw) };
};
