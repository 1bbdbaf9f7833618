// unum/: an unum = a host presence (critical state) + replicated presences.
export { defineUnum, type UnumDefinition, type CriticalOperation } from './define-unum.js';
export { hostUnum, type HostedUnum, type HostOptions, type Admin } from './host.js';
export { joinUnum, type Replica, type ReplicaOptions, type MemberLink } from './replica.js';
export { createRoom, joinRoom, chatRoom, type Room, type RoomMember, type ChatMessage, type RosterUpdate, type CreateRoomOptions, type JoinRoomOptions, type ReportRequest, type ReportFacet } from './chat-room.js';
export { openSnapshot, signSnapshot, SNAPSHOT_DOMAIN, type Snapshot, type SignedSnapshot, type Member, type Ban, type Role } from './snapshot.js';
export { DEFAULT_UNUM_LIMITS, type UnumLimits } from './limits.js';
export { sealReport, openReport, REPORT_DOMAIN, type Report, type SignedReport, type ReportDraft, type Trigger } from './report.js';
export { makeFilter, checkRuleset, FILTER_LIMITS, type Filter, type FilterHit, type FilterAction, type Rule, type Ruleset } from './filter.js';
