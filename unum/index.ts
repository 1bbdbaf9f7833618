// unum/: an unum = a host presence (critical state) + replicated presences.
export {
  defineUnum,
  type UnumDefinition,
  type CriticalOperation,
  type OperationContext,
} from './define-unum.js';
export { hostUnum, type HostedUnum, type HostOptions } from './host.js';
export { joinUnum, type Replica, type ReplicaOptions } from './replica.js';
export {
  createRoom,
  joinRoom,
  serveReplica,
  chatRoom,
  type Room,
  type RoomMember,
  type RoomMemberEvents,
  type ChatState,
  type CreateRoomOptions,
  type JoinRoomOptions,
} from './chat-room.js';
export type {
  ChatMessage,
  RosterUpdate,
  LineFlag,
  HostExtension,
  MemberExtension,
  MemberContext,
  MemberHooks,
} from './room-extension.js';
export {
  openSnapshot,
  signSnapshot,
  SNAPSHOT_DOMAIN,
  type Snapshot,
  type HeldSnapshot,
  type HeldSignature,
  type SignedSnapshot,
  type Member,
  type Notice,
  type Ban,
  type Role,
} from './snapshot.js';
export { isMutedNow } from './roster-view.js';
export { DEFAULT_UNUM_LIMITS, type UnumLimits } from './limits.js';
export { SignedSnapshotShape, type Admin, type MemberLink } from './facets.js';
export {
  openCertified,
  parseQuorumSnapshot,
  replicaIds,
  type CertifiedSnapshot,
  type QuorumSnapshot,
} from './quorum/certified.js';
export { checkEvidence, type Evidence } from './quorum/evidence.js';
export { CertifiedShape } from './quorum/door-facets.js';
