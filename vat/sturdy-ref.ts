// vat/sturdy-ref.ts: the URIs that designate objects across restarts and
// introductions (docs/protocol.md §3):
//   stoa://<vatId>@<host>:<port>/s/<swissnum>   a sturdy ref
//   stoa://<vatId>@<host>:<port>/g/<giftId>     a gift, redeemable by one vat
// A parse error never echoes the URI: it holds a secret.
import { randomBytes } from 'node:crypto';
import { checkVatId, type VatId } from '../captp-transport/index.js';

export type RefKind = 's' | 'g';

export interface ParsedRef {
  kind: RefKind;
  vatId: VatId;
  host: string;
  port: number;
  /** The swissnum (kind 's') or gift id (kind 'g'): a secret. */
  secret: string;
}

const REF_RE =
  /^stoa:\/\/([a-z2-7]{52})@(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})\/([sg])\/([A-Za-z0-9_-]{22,64})$/;
// Said to people: "secret", not the protocol's "swissnum".
const FORM = 'stoa://<vatId>@<host>:<port>/s/<secret> (or /g/<secret> for a gift)';

/** 128 random bits, base64url: a swissnum or gift id. */
export const makeSecret = (): string => randomBytes(16).toString('base64url');
harden(makeSecret);

export const isSecret = (s: unknown): s is string =>
  typeof s === 'string' && /^[A-Za-z0-9_-]{22,64}$/.test(s);
harden(isSecret);

export const formatRef = (ref: ParsedRef): string =>
  `stoa://${ref.vatId}@${ref.host.includes(':') ? `[${ref.host}]` : ref.host}:${ref.port}/${ref.kind}/${ref.secret}`;
harden(formatRef);

export const parseRef = (uri: unknown, expected?: RefKind): ParsedRef => {
  const match = typeof uri === 'string' ? REF_RE.exec(uri.trim()) : null;
  if (!match) {
    throw Error(`[bad-ref] not a Stoa reference; expected ${FORM}`);
  }
  const [, vatId, rawHost, rawPort, kind, secret] = match as unknown as [
    string,
    string,
    string,
    string,
    RefKind,
    string,
  ];
  const port = Number(rawPort);
  if (port < 1 || port > 65535)
    throw Error(`[bad-ref] port ${port} is out of range in a Stoa reference`);
  if (expected && kind !== expected) {
    throw Error(
      `[bad-ref] expected a ${expected === 's' ? 'sturdy ref (/s/)' : 'gift (/g/)'}, got a ${kind === 's' ? 'sturdy ref' : 'gift'}`,
    );
  }
  try {
    checkVatId(vatId);
  } catch (error) {
    throw Error(`[bad-ref] ${(error as Error).message.replace(/^\[[a-z-]+\] /, '')}`);
  }
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return harden({ kind, vatId, host, port, secret });
};
harden(parseRef);
