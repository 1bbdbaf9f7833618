// captp-transport/: CapTP sessions over mutually authenticated WebSockets (TLS 1.3).
export { startTransport, type Transport, type TransportOptions } from './transport.js';
export type { PeerSession, SessionStats, FrameEvent, BreakCode } from './session.js';
export {
  DEFAULT_LIMITS,
  DEFAULT_RELAY_LIMITS,
  resolveLimits,
  type RelayLimits,
  type TransportLimits,
} from './limits.js';
export {
  formatAddress,
  formatAddressList,
  parseAddress,
  parseAddressList,
  MAX_ADDRESSES,
  type PeerAddress,
} from './address.js';
export type { ReservationStatus, ReservationState } from './relay-client.js';
export type { RelayStats } from './relay-server.js';
export type { Credentials } from './credentials.js';
export { makeCertificate, vatIdOfCertificate } from './certificate.js';
export {
  checkVatId,
  rawKeyOfVatId,
  publicKeyOf,
  short,
  vatIdOfKey,
  vatIdFromRawKey,
  type VatId,
} from './vat-id.js';
export { errorAt, errorCode, errorSentence } from './error-code.js';
export { peerText } from './peer-text.js';
export { boundedMemo } from './bounded-memo.js';
export { signWithDomain, domainSignatureHolds } from './domain-signature.js';
export { debugLog } from './debug-log.js';
