// presence/envelope.ts: the signed, hash-chained message a presence originates
// (docs/protocol.md §5, after SSB).
//
//   header = { v, room, epoch, author, seq, prev, ts, heads, kind, body[, to] }
//   bytes  = v1: "stoa/envelope/v1\n" + canonical(header)  RFC 8785 JSON
//            v2: "stoa/envelope/v2\n" ‖ binary header       envelope-v2.ts, §5.13
//   id     = hex SHA-256(bytes)                             never over the signature
//   sig    = Ed25519(author key, bytes), base64url
//   body   = hex SHA-256(salt ‖ UTF-8 content); content and the 16-byte salt
//            travel beside the header, so a report can withhold a bystander's
//            content and still prove nothing was removed.
// New envelopes are v2 (a quarter of v1's bytes on the wire); v1 ones, in
// archives and old windows, are opened and verified as before.
//
// Choices the protocol leaves open: ids and bodies are lower-case hex; the
// genesis `prev` is 64 zeros; `heads` is [[author, seq, id], …] sorted by
// author; `to` (our addition) names the one recipient of a direct message
// (a whisper, a message to the host), which then has a chain of its own per
// (room, author, to), so the public chain has no holes others cannot fill.
import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  checkVatId,
  domainSignatureHolds,
  signWithDomain,
  type VatId,
} from '../captp-transport/index.js';
import { decodeHeaderV2, ENVELOPE_V2_DOMAIN, encodeHeaderV2 } from './envelope-v2.js';

export const ENVELOPE_DOMAIN = 'stoa/envelope/v1\n';
export const GENESIS = '0'.repeat(64);
/** The stream of an author's messages to everyone. */
export const PUBLIC = '*';

export type Head = [author: VatId, seq: number, id: string];

export interface EnvelopeHeader {
  /** 1: a canonical JSON header (§5.1); 2: the binary header (§5.13). */
  v: 1 | 2;
  room: string;
  epoch: number;
  author: VatId;
  seq: number;
  prev: string;
  ts: number;
  heads: Head[];
  kind: string;
  body: string;
  to?: VatId;
}

/** An envelope as it travels and is stored: the exact signed header text, the signature, and the content beside it. */
export interface WireEnvelope {
  header: string;
  sig: string;
  /** Absent when withheld (a bystander's line in a report); the body hash still commits to it. */
  content?: string;
  salt?: string;
}

/** A parsed envelope whose form is valid. Whether its signature holds is checked separately. */
export interface Envelope {
  header: EnvelopeHeader;
  id: string;
  wire: WireEnvelope;
  /** The stream it belongs to: `to`, or PUBLIC. */
  stream: VatId | typeof PUBLIC;
}

const HEX64 = /^[0-9a-f]{64}$/;
const KIND = /^[a-z][a-z0-9-]{0,31}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_HEADER_CHARS = 4096;
const HEADER_KEYS = new Set([
  'v',
  'room',
  'epoch',
  'author',
  'seq',
  'prev',
  'ts',
  'heads',
  'kind',
  'body',
  'to',
]);

const sha256hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export const canonical = (value: unknown): string => {
  const text = canonicalize(value);
  if (text === undefined) throw Error('[malformed] value has no canonical JSON form');
  return text;
};
harden(canonical);

export const contentHash = (salt: string, content: string): string =>
  sha256hex(Buffer.concat([Buffer.from(salt, 'base64url'), Buffer.from(content, 'utf8')]));
harden(contentHash);

const isCount = (n: unknown, min: number): n is number =>
  Number.isSafeInteger(n) && (n as number) >= min;

const malformed = (what: string): never => {
  throw Error(`[malformed] envelope ${what}`);
};

/** Checks the header's form; returns it typed. */
const checkHeader = (h: Record<string, unknown>): EnvelopeHeader => {
  for (const key of Object.keys(h))
    if (!HEADER_KEYS.has(key))
      malformed(`has an unknown field ${JSON.stringify(key.slice(0, 20))}`);
  if (h.v !== 1) malformed('version is not 1');
  if (typeof h.room !== 'string' || h.room.length === 0 || h.room.length > 128)
    malformed('room is not a string of 1 to 128 characters');
  if (!isCount(h.epoch, 0)) malformed('epoch is not a count');
  if (!isCount(h.seq, 1)) malformed('seq is not a positive integer');
  if (typeof h.prev !== 'string' || !HEX64.test(h.prev)) malformed('prev is not a hex id');
  if (h.seq === 1 && h.prev !== GENESIS) malformed('seq 1 does not follow genesis');
  if (!isCount(h.ts, 0)) malformed('ts is not a time');
  if (typeof h.kind !== 'string' || !KIND.test(h.kind))
    malformed('kind is not a short lower-case name');
  if (typeof h.body !== 'string' || !HEX64.test(h.body)) malformed('body is not a hex hash');
  for (const field of ['author', 'to'] as const) {
    if (field === 'to' && h.to === undefined) continue;
    try {
      checkVatId(h[field] as string);
    } catch {
      malformed(`${field} is not a vat id`);
    }
  }
  if (!Array.isArray(h.heads) || h.heads.length > 64) malformed('heads is not a short list');
  let last = '';
  for (const head of h.heads as unknown[]) {
    if (!Array.isArray(head) || head.length !== 3) malformed('head is not [author, seq, id]');
    const [author, seq, id] = head as unknown[];
    if (
      typeof author !== 'string' ||
      !/^[a-z2-7]{52}$/.test(author) ||
      !isCount(seq, 1) ||
      typeof id !== 'string' ||
      !HEX64.test(id)
    ) {
      malformed('head is not [author, seq, id]');
    }
    if ((author as string) <= last) malformed('heads are not sorted by author');
    last = author as string;
  }
  return h as unknown as EnvelopeHeader;
};

/** The exact bytes each envelope's signature covers, and its id hashes (kept out of the hardened envelope). */
const signedBytes = new WeakMap<Envelope, Buffer>();

/** The header text as v1 sends it: canonical JSON. */
const openHeaderV1 = (header: string): { header: EnvelopeHeader; signed: Buffer } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    malformed('header is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    malformed('header is not a JSON object');
  const checked = checkHeader(parsed as Record<string, unknown>);
  if (canonical(checked) !== header) malformed('header is not in canonical form');
  return { header: checked, signed: Buffer.from(ENVELOPE_DOMAIN + header) };
};

/** The header as v2 sends it: base64url of the binary header, its body left out when the content comes along. */
const openHeaderV2 = (
  text: string,
  content: string | undefined,
  salt: string | undefined,
): { header: EnvelopeHeader; signed: Buffer } => {
  if (!B64URL.test(text)) malformed('header is neither JSON nor base64url');
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) malformed('header is not canonical base64url');
  const { header, hasBody } = decodeHeaderV2(bytes);
  if (hasBody) return { header, signed: Buffer.concat([V2_DOMAIN_BYTES, bytes]) };
  if (content === undefined) malformed('withholds its content and its body hash');
  header.body = contentHash(salt!, content!);
  return {
    header,
    signed: Buffer.concat([V2_DOMAIN_BYTES, bytes, Buffer.from(header.body, 'hex')]),
  };
};
const V2_DOMAIN_BYTES = Buffer.from(ENVELOPE_V2_DOMAIN);

/** Parses an envelope from the wire, v1 or v2: its form only (no signature, roster or chain checks). */
export const openEnvelope = (wire: unknown): Envelope => {
  if (typeof wire !== 'object' || wire === null) malformed('is not a record');
  const { header, sig, content, salt } = wire as Record<string, unknown>;
  if (typeof header !== 'string' || header.length > MAX_HEADER_CHARS)
    malformed('header is not a string');
  if (typeof sig !== 'string' || sig.length !== 86 || !B64URL.test(sig))
    malformed('signature is not 64 bytes of base64url');
  if ((content === undefined) !== (salt === undefined))
    malformed('carries content without its salt, or a salt without content');
  if (content !== undefined && typeof content !== 'string') malformed('content is not a string');
  if (salt !== undefined && (typeof salt !== 'string' || salt.length !== 22 || !B64URL.test(salt)))
    malformed('salt is not 16 bytes of base64url');
  const { header: checked, signed } = (header as string).startsWith('{')
    ? openHeaderV1(header as string)
    : openHeaderV2(header as string, content as string | undefined, salt as string | undefined);
  const id = sha256hex(signed);
  // A v2 envelope is kept, relayed in history and reported with its whole
  // header (body included): an edit of its content then shows as bad-content.
  const kept =
    checked.v === 2 ? signed.subarray(V2_DOMAIN_BYTES.length).toString('base64url') : header;
  const cleanWire: WireEnvelope =
    content === undefined
      ? { header: kept as string, sig: sig as string }
      : {
          header: kept as string,
          sig: sig as string,
          content: content as string,
          salt: salt as string,
        };
  const envelope: Envelope = harden({
    header: checked,
    id,
    wire: cleanWire,
    stream: checked.to ?? PUBLIC,
  });
  signedBytes.set(envelope, signed);
  return envelope;
};
harden(openEnvelope);

/** True if the author's signature holds over the envelope's bytes. */
export const signatureHolds = (envelope: Envelope): boolean => {
  const signed = signedBytes.get(envelope) ?? signedBytes.get(openEnvelope(envelope.wire))!;
  return domainSignatureHolds('', signed, envelope.wire.sig, envelope.header.author);
};
harden(signatureHolds);

/** True if the content beside the header is what the body commits to (or is withheld). */
export const contentMatches = (envelope: Envelope): boolean =>
  envelope.wire.content === undefined ||
  contentHash(envelope.wire.salt!, envelope.wire.content) === envelope.header.body;
harden(contentMatches);

/**
 * Makes and signs an envelope. `sign` is the author vat's signer. New
 * envelopes are v2 (§5.13); v1 is still made on request (tests, old peers'
 * fixtures) and always opened.
 */
export const sealEnvelope = (
  fields: Omit<EnvelopeHeader, 'v' | 'body'>,
  content: string,
  sign: (message: Uint8Array) => Uint8Array,
  { version = 2, salt = randomBytes(16).toString('base64url') }: SealOptions = {},
): Envelope => {
  const headerValue: EnvelopeHeader = { v: version, ...fields, body: contentHash(salt, content) };
  if (headerValue.to === undefined) delete headerValue.to;
  if (version === 1) {
    const header = canonical(headerValue);
    const sig = signWithDomain(ENVELOPE_DOMAIN, header, sign);
    return openEnvelope({ header, sig, content, salt });
  }
  // The whole header, as kept: a live delivery carries the delivery form (delivery-form.ts).
  const header = encodeHeaderV2(headerValue);
  const sig = signWithDomain(ENVELOPE_V2_DOMAIN, header, sign);
  return openEnvelope({ header: header.toString('base64url'), sig, content, salt });
};
harden(sealEnvelope);

export interface SealOptions {
  version?: 1 | 2;
  /** base64url of 16 bytes; fresh random bytes unless given (test vectors). */
  salt?: string;
}

/**
 * The envelope as a report shows a bystander's line: header and signature,
 * content withheld. A v2 header then carries its body hash (§5.13).
 */
export const withholdContent = (wire: WireEnvelope): WireEnvelope => {
  const { header, sig } = openEnvelope(wire).wire;
  return harden({ header, sig });
};
harden(withholdContent);
