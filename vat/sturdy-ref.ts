// vat/sturdy-ref.ts: the URIs that designate objects across restarts and
// introductions (docs/protocol.md §3):
//   stoa://<vatId>@<addresses>/s/<swissnum>   a sturdy ref
//   stoa://<vatId>@<addresses>/g/<giftId>     a gift, redeemable by one vat
// <addresses> is one `host:port` or `relay:host:port`, or several separated by
// commas, tried in order (§2.8). A parse error never echoes the URI: it holds
// a secret.
import { randomBytes } from 'node:crypto';
import {
  checkVatId,
  errorSentence,
  formatAddressList,
  parseAddressList,
  type PeerAddress,
  type VatId,
} from '../captp-transport/index.js';

export type RefKind = 's' | 'g';

export interface ParsedRef {
  kind: RefKind;
  vatId: VatId;
  /** Where the vat can be dialed, in the order to try them: at least one. */
  addresses: readonly PeerAddress[];
  /** The swissnum (kind 's') or gift id (kind 'g'): a secret. */
  secret: string;
}

/** The longest reference accepted: four long addresses fit. */
export const MAX_REF_CHARS = 512;

const REF_RE = /^stoa:\/\/([a-z2-7]{52})@([^/]+)\/([sg])\/([A-Za-z0-9_-]{22,64})$/;
// Said to people: "secret", not the protocol's "swissnum".
const FORM = 'stoa://<vatId>@<host>:<port>/s/<secret> (or /g/<secret> for a gift)';

/** 128 random bits, base64url: a swissnum or gift id. */
export const makeSecret = (): string => randomBytes(16).toString('base64url');
harden(makeSecret);

export const isSecret = (s: unknown): s is string =>
  typeof s === 'string' && /^[A-Za-z0-9_-]{22,64}$/.test(s);
harden(isSecret);

export const formatRef = (ref: ParsedRef): string =>
  `stoa://${ref.vatId}@${formatAddressList(ref.addresses)}/${ref.kind}/${ref.secret}`;
harden(formatRef);

export const parseRef = (uri: unknown, expected?: RefKind): ParsedRef => {
  const trimmed = typeof uri === 'string' ? uri.trim() : '';
  const match = trimmed.length <= MAX_REF_CHARS ? REF_RE.exec(trimmed) : null;
  if (!match) {
    throw Error(`[bad-ref] not a Stoa reference; expected ${FORM}`);
  }
  const [, vatId, rawAddresses, kind, secret] = match as unknown as [
    string,
    string,
    string,
    RefKind,
    string,
  ];
  let addresses: PeerAddress[];
  try {
    addresses = parseAddressList(rawAddresses);
  } catch (error) {
    throw Error(`[bad-ref] ${errorSentence(error)} in a Stoa reference`);
  }
  if (expected && kind !== expected) {
    throw Error(
      `[bad-ref] expected a ${expected === 's' ? 'sturdy ref (/s/)' : 'gift (/g/)'}, got a ${kind === 's' ? 'sturdy ref' : 'gift'}`,
    );
  }
  try {
    checkVatId(vatId);
  } catch (error) {
    throw Error(`[bad-ref] ${errorSentence(error)}`);
  }
  return harden({ kind, vatId, addresses, secret });
};
harden(parseRef);
