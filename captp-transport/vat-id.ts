// captp-transport/vat-id.ts: the self-certifying vat identity (docs/protocol.md §1).
// A VatId is the raw 32-byte Ed25519 public key in lower-case base32 without
// padding. Every key that enters from outside (a sturdy ref, a peer
// certificate) passes `checkVatId`, because node:crypto accepts a trivial
// forgery under a small-order key and we refuse non-canonical encodings so one
// key has exactly one VatId.
import { peerText } from './peer-text.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base32 } from 'rfc4648';
import { Fail, q } from '@endo/errors';
import { boundedMemo } from './bounded-memo.js';

/** Lower-case base32 (no padding) of a raw Ed25519 public key: 52 characters. */
export type VatId = string;

const VAT_ID_RE = /^[a-z2-7]{52}$/;
// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const base32Of = (raw: Uint8Array): VatId => base32.stringify(raw, { pad: false }).toLowerCase();
/** Spelled once per key (base32 in JavaScript costs more than the rest of decoding a header). */
const vatIdOfBytes = boundedMemo(4096, (bytes: string) => base32Of(Buffer.from(bytes, 'latin1')));
export const vatIdFromRawKey = (raw: Uint8Array): VatId =>
  raw.length === 32
    ? vatIdOfBytes(Buffer.from(raw.buffer, raw.byteOffset, 32).toString('latin1'))
    : base32Of(raw);
harden(vatIdFromRawKey);

/** A VatId shortened for messages (never for stored data). */
export const short = (vatId: string): string => vatId.slice(0, 8);
harden(short);

/** The bytes of a VatId's one canonical spelling (refusing any other). */
const parseVatId = (vatId: string): Uint8Array => {
  if (typeof vatId !== 'string' || !VAT_ID_RE.test(vatId)) {
    throw Fail`[bad-vat-id] not a vat id (52 base32 characters): ${q(peerText(vatId, 60))}`;
  }
  let raw: Uint8Array;
  try {
    raw = base32.parse(vatId, { loose: true });
  } catch {
    raw = new Uint8Array(0); // non-zero padding bits
  }
  // Re-encoding catches any second spelling of one key.
  if (raw.length !== 32 || base32Of(raw) !== vatId) {
    throw Fail`[bad-vat-id] non-canonical vat id ${q(short(vatId))}`;
  }
  return raw;
};
const parsedVatId = boundedMemo(4096, parseVatId);
/**
 * The 32 bytes a VatId spells, refusing anything but the one canonical
 * spelling; whether they are a usable key is `checkVatId`'s question.
 */
export const rawKeyOfVatId = (vatId: string): Uint8Array => Uint8Array.from(parsedVatId(vatId)); // a copy: the kept bytes are shared
harden(rawKeyOfVatId);

/**
 * Refuses malformed, non-canonical and small-order keys; returns the raw key.
 * Kept for vat ids found good: decoding a point costs ~100 µs, and every envelope names one.
 */
export const checkVatId: (vatId: string) => Uint8Array = boundedMemo(4096, (vatId: string) => {
  const raw = rawKeyOfVatId(vatId);
  let point: ReturnType<typeof ed25519.Point.fromBytes>;
  try {
    point = ed25519.Point.fromBytes(raw);
  } catch {
    throw Fail`[bad-vat-id] vat id ${q(short(vatId))} is not a canonical Ed25519 point`;
  }
  if (point.isSmallOrder()) {
    throw Fail`[bad-vat-id] vat id ${q(short(vatId))} is a small-order key`;
  }
  return raw;
});
harden(checkVatId);

/** The verified public key for a VatId, cached (importing per verify halves the rate). */
export const publicKeyOf: (vatId: VatId) => KeyObject = boundedMemo(4096, (vatId: VatId) =>
  createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, checkVatId(vatId)]),
    format: 'der',
    type: 'spki',
  }),
);
harden(publicKeyOf);

/** The VatId of an Ed25519 public KeyObject (refusing other key types). */
export const vatIdOfKey = (key: KeyObject): VatId => {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw Fail`[bad-vat-id] expected an Ed25519 key, got ${q(key.asymmetricKeyType)}`;
  }
  const der = key.export({ format: 'der', type: 'spki' });
  const vatId = vatIdFromRawKey(der.subarray(SPKI_PREFIX.length));
  checkVatId(vatId);
  return vatId;
};
harden(vatIdOfKey);
