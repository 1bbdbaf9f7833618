// The envelope v2 test vectors (test/vectors/envelope-v2, docs/protocol.md
// §5.13 and §5.14), as the tests read them, and the author's signer: the
// Ed25519 seed 0x07 × 32.
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { VatId } from '../../captp-transport/index.js';
import type { EnvelopeHeader, WireEnvelope } from '../../presence/index.js';

export interface Vector {
  name: string;
  fields: EnvelopeHeader;
  content: string;
  salt: string;
  signedHex: string;
  id: string;
  /** The record, its header's body left out. */
  wire: WireEnvelope;
  withheld: WireEnvelope;
  delivery: { sender: VatId; receiver: VatId; item: string };
}

export const { vectors } = JSON.parse(
  readFileSync(new URL('../vectors/envelope-v2/vectors.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

const ALICE = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]),
  format: 'der',
  type: 'pkcs8',
});
/** Signs as the author of every vector. */
export const signAsAlice = (message: Uint8Array) => sign(null, message, ALICE);
