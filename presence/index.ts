// presence/: fan-out between presences: signed, hash-chained envelopes; windows; interest.
export {
  makePresence,
  type Presence,
  type PresenceEvents,
  type PresenceOptions,
  type PresenceStats,
  type SendResult,
  type Target,
} from './presence.js';
export {
  canonical,
  contentHash,
  contentMatches,
  ENVELOPE_DOMAIN,
  GENESIS,
  openEnvelope,
  PUBLIC,
  sealEnvelope,
  signatureHolds,
  withholdContent,
  type Envelope,
  type EnvelopeHeader,
  type Head,
  type SealOptions,
  type WireEnvelope,
} from './envelope.js';
export { decodeHeaderV2, ENVELOPE_V2_DOMAIN, encodeHeaderV2 } from './envelope-v2.js';
export type { RosterView } from './roster-view.js';
export type { Delivery, Dropped, DropReason } from './receiver.js';
export {
  WireEnvelopeShape,
  HISTORY_RANGE,
  MAX_BATCH,
  MAX_LIVE_KEYS,
  makePeerInboxKit,
  type PeerInbox,
} from './inbox.js';
export { encodedSize } from './wire-size.js';
export { makeLiveFan, LIVE_KEY } from './live-fan.js';
export type { KeptEnvelope } from './window.js';
export { checkAuraPolicy, selectInAura, type AuraPolicy, type Position } from './interest.js';
export { DEFAULT_PRESENCE_LIMITS, type PresenceLimits } from './limits.js';
export { makeEmitter, type Emitter, type Listener } from './emitter.js';
