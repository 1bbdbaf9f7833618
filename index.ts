// stoa: the public API. Importing it brings up SES (lockdown) first, so app
// code need not; anything imported before 'stoa' runs unhardened.
import './vat/lockdown.js';

export { startVat, type Vat, type VatOptions, type VatStats } from './vat/index.js';
export { parseRef, makeEcho, type Echo } from './vat/index.js';
export { errorCode, short, type VatId } from './captp-transport/index.js';
export { defineUnum, hostUnum, joinUnum, serveReplica } from './unum/index.js';
export type {
  Room,
  RoomMember,
  ChatMessage,
  RosterUpdate,
  UnumDefinition,
  CriticalOperation,
  OperationContext,
  HostedUnum,
  Replica,
  Member,
  Snapshot,
} from './unum/index.js';
// Rooms as apps meet them: with moderation's member side (filters, the panic button).
export {
  createRoom,
  joinRoom,
  startModeration,
  createModeratedRoom,
  signAction,
  verifyReceipt,
} from './moderation/index.js';
export type {
  ModeratedMember,
  ReportRequest,
  Moderation,
  ModeratedRoom,
  Receipt,
  AuditorRole,
} from './moderation/index.js';
export { E, Far, type ERef } from '@endo/far';
