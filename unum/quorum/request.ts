// unum/quorum/request.ts: a critical request to a replicated room, signed by
// its requester and sent to every replica (docs/protocol.md §4.8.2). Its id is
// the hash of its text, so a replica that lacks it can ask another for it by
// id and check what it gets; the nonce keeps two equal requests apart.
//
//   request = { v:1, room, kind, author, content, nonce, ts }
//   text    = canonical(request); sig = Ed25519(author, "stoa/request/v1\n" + text)
//   id      = b64u(SHA-256(utf8(text)))
import { createHash, randomBytes } from 'node:crypto';
import {
  checkVatId,
  domainSignatureHolds,
  short,
  signWithDomain,
  type VatId,
} from '../../captp-transport/index.js';
import { canonical } from '../../presence/index.js';
import { parseExactRecord } from './exact-record.js';

export const REQUEST_DOMAIN = 'stoa/request/v1\n';
/** The longest request text a replica takes (a join or a ruleset is the largest). */
export const MAX_REQUEST_CHARS = 64 * 1024;

export interface CriticalRequest {
  v: 1;
  room: string;
  /** `join`, `leave`, `kick`, … or one of the unum's own operations (§4.8.5). */
  kind: string;
  author: VatId;
  /** What the kind needs, as text (JSON for the roster kinds). */
  content: string;
  /** 16 random bytes, b64u. */
  nonce: string;
  /** The requester's clock (ms since the Unix epoch): a request too far from the time it is ordered at is refused. */
  ts: number;
}

export interface SignedRequest {
  request: string;
  sig: string;
}

export interface OpenedRequest {
  id: string;
  request: CriticalRequest;
  signed: SignedRequest;
}

const KIND = /^[a-z][a-z0-9-]{0,31}$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;

export const requestId = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('base64url');
harden(requestId);

export const signRequest = (
  fields: Pick<CriticalRequest, 'room' | 'kind' | 'author' | 'content'> & { ts?: number },
  sign: (message: Uint8Array) => Uint8Array,
): OpenedRequest => {
  const request: CriticalRequest = harden({
    v: 1,
    room: fields.room,
    kind: fields.kind,
    author: fields.author,
    content: fields.content,
    nonce: randomBytes(16).toString('base64url'),
    ts: fields.ts ?? Date.now(),
  });
  const text = canonical(request);
  const signed = harden({ request: text, sig: signWithDomain(REQUEST_DOMAIN, text, sign) });
  return harden({ id: requestId(text), request, signed });
};
harden(signRequest);

/** Checks the form, the room and the author's signature. Throws `[bad-request]`. */
export const openRequest = (signed: SignedRequest, room: string): OpenedRequest => {
  const bad = (why: string): never => {
    throw Error(`[bad-request] a critical request for ${room} ${why}`);
  };
  if (typeof signed?.request !== 'string' || typeof signed.sig !== 'string')
    bad('is not a signed request');
  if (signed.request.length > MAX_REQUEST_CHARS)
    bad(`is longer than ${MAX_REQUEST_CHARS} characters`);
  const r = parseExactRecord<CriticalRequest>(
    signed.request,
    ['v', 'room', 'kind', 'author', 'content', 'nonce', 'ts'],
    bad,
    '§4.8.2',
  );
  if (r.v !== 1) bad('is not version 1');
  if (r.room !== room) bad('names another room');
  if (typeof r.kind !== 'string' || !KIND.test(r.kind)) bad('has no short lower-case kind');
  if (typeof r.content !== 'string') bad('has no text content');
  if (typeof r.nonce !== 'string' || !NONCE.test(r.nonce)) bad('has no 16-byte nonce');
  if (!Number.isSafeInteger(r.ts) || r.ts < 0) bad('has no time');
  try {
    checkVatId(r.author);
  } catch {
    bad('names no vat as its author');
  }
  if (!domainSignatureHolds(REQUEST_DOMAIN, signed.request, signed.sig, r.author))
    bad(`is not signed by its author ${short(r.author)}`);
  return harden({
    id: requestId(signed.request),
    request: harden(r),
    signed: harden({ request: signed.request, sig: signed.sig }),
  });
};
harden(openRequest);
