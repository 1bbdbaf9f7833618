// captp-transport/domain-signature.ts: Ed25519 signatures over a domain
// prefix and a text (docs/protocol.md §5, §6). Every signed document kind has its
// own prefix ("stoa/envelope/v1\n", "stoa/report/v1\n", …), so a signature made
// for one kind can never be replayed as another.
import { verify } from 'node:crypto';
import { publicKeyOf, type VatId } from './vat-id.js';

/** The bytes signed: the domain, then the text as UTF-8 (or the document's own bytes). */
const signedBytes = (domain: string, text: string | Uint8Array): Buffer =>
  typeof text === 'string'
    ? Buffer.from(domain + text)
    : Buffer.concat([Buffer.from(domain), text]);

/** Signs `domain + text` with `sign` (a vat's signer); returns base64url. */
export const signWithDomain = (
  domain: string,
  text: string | Uint8Array,
  sign: (message: Uint8Array) => Uint8Array,
): string => Buffer.from(sign(signedBytes(domain, text))).toString('base64url');
harden(signWithDomain);

/** True if `signer`'s key signed `domain + text`; false for a malformed key or signature too. */
export const domainSignatureHolds = (
  domain: string,
  text: string | Uint8Array,
  sig: string,
  signer: VatId,
): boolean => {
  try {
    return verify(
      null,
      signedBytes(domain, text),
      publicKeyOf(signer),
      Buffer.from(sig, 'base64url'),
    );
  } catch {
    return false;
  }
};
harden(domainSignatureHolds);
