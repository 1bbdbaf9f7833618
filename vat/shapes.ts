// vat/shapes.ts: patterns for the values every layer's far interfaces take,
// defined once: a VatId is 52 base32 characters (docs/protocol.md §1.1).
import { M } from '@endo/patterns';

export const VAT_ID_CHARS = 52;
export const VatIdShape = M.string({ stringLengthLimit: VAT_ID_CHARS });
/** An Ed25519 signature as Stoa's signed documents carry it (86 characters of base64url). */
export const SignatureShape = M.string({ stringLengthLimit: 90 });
