// vat/: one hardened vat per process: identity, export table, sturdy refs, gifts, storage.
export { startVat, type Vat, type VatOptions, type VatStats } from './vat.js';
export { DEFAULT_VAT_LIMITS, type VatLimits } from './limits.js';
export { parseRef, formatRef, MAX_REF_CHARS, type ParsedRef } from './sturdy-ref.js';
export { loadOrCreateIdentity } from './identity.js';
export { openStore, openSqliteFile, type VatStore } from './store.js';
export type { Tables, TablesOptions, Statement, Durability } from './tables.js';
export { makeEcho, EchoI, type Echo } from './echo.js';
export { installLastResort } from './last-resort.js';
export type { Gateway } from './gateway.js';
export { makeLiveRef, type LiveRef } from './live-ref.js';
export {
  makeTokenBuckets,
  type TokenBuckets,
  type BucketKeeper,
  type BucketLevel,
} from './token-bucket.js';
export { VatIdShape, VAT_ID_CHARS, SignatureShape } from './shapes.js';
