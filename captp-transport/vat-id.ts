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

/** Lower-case base32 (no padding) of a raw Ed25519 public key: 52 characters. */
export type VatId = string;

const VAT_ID_RE = /^[a-z2-7]{52}$/;
// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const vatIdFromRawKey = (raw: Uint8Array): VatId =>
  base32.stringify(raw, { pad: false }).toLowerCase();
harden(vatIdFromRawKey);

/** A VatId shortened for messages (never for stored data). */
export const short = (vatId: string): string => vatId.slice(0, 8);
harden(short);

/** Vat ids already found good: decoding a point costs ~100 µs, and every envelope names one. */
const good = new Map<VatId, Uint8Array>();
const GOOD_LIMIT = 4096;

/**
 * The 32 bytes a VatId spells, refusing anything but the one canonical
 * spelling; whether they are a usable key is `checkVatId`'s question.
 */
export const rawKeyOfVatId = (vatId: string): Uint8Array => {
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
  if (raw.length !== 32 || vatIdFromRawKey(raw) !== vatId) {
    throw Fail`[bad-vat-id] non-canonical vat id ${q(short(vatId))}`;
  }
  return raw;
};
harden(rawKeyOfVatId);

/** Refuses malformed, non-canonical and small-order keys; returns the raw key. */
export const checkVatId = (vatId: string): Uint8Array => {
  const known = good.get(vatId);
  if (known) return known;
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
  if (good.size >= GOOD_LIMIT) good.delete(good.keys().next().value as VatId);
  good.set(vatId, raw);
  return raw;
};
harden(checkVatId);

const keyCache = new Map<VatId, KeyObject>();
const KEY_CACHE_LIMIT = 4096;

/** The verified public key for a VatId, cached (importing per verify halves the rate). */
export const publicKeyOf = (vatId: VatId): KeyObject => {
  const cached = keyCache.get(vatId);
  if (cached) return cached;
  const raw = checkVatId(vatId);
  const key = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
  if (keyCache.size >= KEY_CACHE_LIMIT) {
    keyCache.delete(keyCache.keys().next().value as VatId);
  }
  keyCache.set(vatId, key);
  return key;
};
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
