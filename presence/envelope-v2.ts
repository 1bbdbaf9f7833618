// presence/envelope-v2.ts: the binary header of an envelope v2
// (docs/protocol.md §5.13). The fields are v1's; ids, hashes and vat ids are
// raw bytes, integers are minimal LEB128, and the layout is fixed, so there
// is one encoding per header and nothing to canonicalize. On the wire the
// header is base64url; the trailing body hash is left out when the content
// travels beside it (the receiver recomputes it), and kept when withheld.
import {
  checkVatId,
  rawKeyOfVatId,
  vatIdFromRawKey,
  type VatId,
} from '../captp-transport/index.js';
import type { EnvelopeHeader, Head } from './envelope.js';

export const ENVELOPE_V2_DOMAIN = 'stoa/envelope/v2\n';
const VERSION = 0x02;
const HASH_BYTES = 32;
const KEY_BYTES = 32;
const HAS_TO = 0x01;
const KIND = /^[a-z][a-z0-9-]{0,31}$/;
/** Heads one header names, at most (its count is one byte). */
export const MAX_HEADS = 64;

export const malformed = (what: string): never => {
  throw Error(`[malformed] envelope ${what}`);
};

/** Minimal unsigned LEB128 of a safe integer. */
export const uvarint = (n: number): number[] => {
  const out: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
};

/** A head's author need only spell 32 bytes (as in v1, it need not be a usable key). */
const rawKey = (vatId: VatId): Uint8Array => {
  try {
    return rawKeyOfVatId(vatId);
  } catch {
    return malformed('head author is not a vat id');
  }
};

/** Bytes written into one buffer sized for the longest header (every envelope's, at every delivery: no parts, no concat). */
const writer = (size: number) => {
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  return {
    byte(b: number) {
      out[at++] = b;
    },
    bytes(b: Uint8Array) {
      out.set(b, at);
      at += b.length;
    },
    hex(text: string) {
      at += out.write(text, at, 'hex');
    },
    uvarint(n: number) {
      let rest = n;
      while (rest >= 0x80) {
        out[at++] = (rest % 0x80) | 0x80;
        rest = Math.floor(rest / 0x80);
      }
      out[at++] = rest;
    },
    done: () => Buffer.from(out.subarray(0, at)),
  };
};
/** Bytes of the fixed fields at most: version, kind, room, 3 varints, author, prev, flags, to, count, body. */
const FIXED_MAX =
  2 + 255 + 1 + 255 + 3 * 8 + KEY_BYTES + HASH_BYTES + 1 + KEY_BYTES + 1 + HASH_BYTES;
const HEAD_MAX = KEY_BYTES + 8 + HASH_BYTES;

/** The header's bytes, body hash included (an empty `body` leaves it out, as a record with content may). */
export const encodeHeaderV2 = (h: EnvelopeHeader): Buffer => {
  const kind = Buffer.from(h.kind, 'ascii');
  const room = Buffer.from(h.room, 'utf8');
  if (kind.length > 255) malformed('kind is over 255 bytes');
  if (room.length > 255) malformed('room is over 255 UTF-8 bytes');
  const w = writer(FIXED_MAX + h.heads.length * HEAD_MAX);
  w.byte(VERSION);
  w.byte(kind.length);
  w.bytes(kind);
  w.byte(room.length);
  w.bytes(room);
  w.uvarint(h.epoch);
  w.bytes(checkVatId(h.author));
  w.uvarint(h.seq);
  w.hex(h.prev);
  w.uvarint(h.ts);
  w.byte(h.to === undefined ? 0 : HAS_TO);
  if (h.to !== undefined) w.bytes(checkVatId(h.to));
  w.byte(h.heads.length);
  for (const [author, seq, id] of h.heads) {
    w.bytes(rawKey(author));
    w.uvarint(seq);
    w.hex(id);
  }
  w.hex(h.body);
  return w.done();
};
harden(encodeHeaderV2);
harden(uvarint);
harden(malformed);

/** A reader over the header's bytes that refuses to run past the end (delivery-form.ts reads with it too). */
export const reader = (bytes: Buffer) => {
  let at = 0;
  const take = (n: number, what: string): Buffer => {
    if (at + n > bytes.length) malformed(`header ends inside its ${what}`);
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  return {
    byte: (what: string) => take(1, what)[0]!,
    take,
    uvarint(what: string): number {
      let value = 0;
      let scale = 1;
      for (let i = 0; ; i += 1) {
        const b = take(1, what)[0]!;
        value += (b & 0x7f) * scale;
        if (!Number.isSafeInteger(value)) malformed(`${what} is not a safe integer`);
        if ((b & 0x80) === 0) {
          if (b === 0 && i > 0) malformed(`${what} is not minimally encoded`);
          return value;
        }
        scale *= 0x80;
      }
    },
    /** A vat id; `check` refuses keys that are not valid Ed25519 points (heads, as in v1, need not be). */
    key(what: string, check = true): VatId {
      const id = vatIdFromRawKey(take(KEY_BYTES, what));
      try {
        if (check) checkVatId(id);
      } catch {
        malformed(`${what} is not a vat id`);
      }
      return id;
    },
    hash: (what: string) => take(HASH_BYTES, what).toString('hex'),
    left: () => bytes.length - at,
  };
};

/** Parses header bytes; `hasBody` says whether the body hash was in them (else `body` is ''). */
export const decodeHeaderV2 = (bytes: Buffer): { header: EnvelopeHeader; hasBody: boolean } => {
  const r = reader(bytes);
  if (r.byte('version') !== VERSION) malformed('version is not 2');
  const kind = r.take(r.byte('kind length'), 'kind').toString('latin1');
  if (!KIND.test(kind)) malformed('kind is not a short lower-case name');
  const roomBytes = r.take(r.byte('room length'), 'room');
  const room = roomBytes.toString('utf8');
  if (room.length === 0 || room.length > 128 || !Buffer.from(room, 'utf8').equals(roomBytes))
    malformed('room is not 1 to 128 characters of UTF-8');
  const epoch = r.uvarint('epoch');
  const author = r.key('author');
  const seq = r.uvarint('seq');
  if (seq < 1) malformed('seq is not a positive integer');
  const prev = r.hash('prev');
  if (seq === 1 && prev !== '0'.repeat(64)) malformed('seq 1 does not follow genesis');
  const ts = r.uvarint('ts');
  const flags = r.byte('flags');
  if ((flags & ~HAS_TO) !== 0) malformed('flags has unknown bits');
  const to = flags & HAS_TO ? r.key('to') : undefined;
  const count = r.byte('heads count');
  if (count > MAX_HEADS) malformed('heads is not a short list');
  const heads: Head[] = [];
  for (let i = 0; i < count; i += 1) {
    const head: Head = [r.key('head author', false), r.uvarint('head seq'), r.hash('head id')];
    if (head[1] < 1) malformed('head is not [author, seq, id]');
    if (i > 0 && head[0] <= heads[i - 1]![0]) malformed('heads are not sorted by author');
    heads.push(head);
  }
  const left = r.left();
  if (left !== 0 && left !== HASH_BYTES) malformed('header has bytes after its heads');
  const body = left === HASH_BYTES ? r.hash('body') : '';
  const header: EnvelopeHeader = { v: 2, room, epoch, author, seq, prev, ts, heads, kind, body };
  if (to !== undefined) header.to = to;
  return { header, hasBody: left === HASH_BYTES };
};
harden(decodeHeaderV2);
harden(reader);
