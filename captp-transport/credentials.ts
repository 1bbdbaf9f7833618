// captp-transport/credentials.ts: what a vat presents in every TLS handshake.
import type { VatId } from './vat-id.js';

export interface Credentials {
  vatId: VatId;
  /** PEM certificate over the vat's Ed25519 key (certificate.ts). */
  certPem: string;
  /** PEM PKCS#8 private key. Never logged, never put in an error. */
  keyPem: string;
}

/** TLS 1.3 only; certificates are self-signed, so chain checks are off and the key is pinned instead. */
export const tlsOptions = (credentials: Credentials) =>
  harden({
    cert: credentials.certPem,
    key: credentials.keyPem,
    minVersion: 'TLSv1.3' as const,
    maxVersion: 'TLSv1.3' as const,
    rejectUnauthorized: false,
    // CapTP sends many small frames; Nagle plus delayed ACKs would hold them back.
    noDelay: true,
  });
harden(tlsOptions);
