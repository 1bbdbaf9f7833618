// moderation/: signed reports verified, archived in a tamper-evident log, and
// acted on by auditors holding capabilities; the member's side (filters, the
// panic button, the witness) and the host's (rulesets, the enforcer).
export {
  startModeration,
  DEFAULT_MODERATION_LIMITS,
  type Moderation,
  type ModerationOptions,
  type AuditorRole,
} from './service.js';
export { createModeratedRoom, type ModeratedRoom } from './moderated-room.js';
export {
  signAction,
  openAction,
  SANCTIONS,
  type Action,
  type SignedAction,
  type Sanction,
} from './action.js';
export { parseDuration, describeDuration } from './duration.js';
export {
  verifyReport,
  type Verification,
  type Verdict,
  type Problem,
  type Finding,
  type ItemMark,
} from './verify-report.js';
export { verifyReceipt, verifyGrowth, openArchive, type Archive, type Receipt } from './archive.js';
export { openCheckpoint, type Checkpoint, type SignedCheckpoint } from './checkpoint.js';
export type { AuditorFacet, CaseSummary, ReportCheck, LogEntry } from './facets.js';
export type { GatherResult } from './gather.js';
export type { Case } from './cases.js';
export { createRoom, moderationHost, type CreateRoomOptions } from './room.js';
export {
  joinRoom,
  moderatedMember,
  type ModeratedMember,
  type ModerationApi,
  type ModerationEvents,
  type ReportRequest,
  type ReportFacet,
} from './moderated-member.js';
export {
  makeFilter,
  checkRuleset,
  FILTER_LIMITS,
  type Filter,
  type FilterHit,
  type FilterAction,
  type Rule,
  type Ruleset,
} from './filter.js';
export {
  sealReport,
  openReport,
  REPORT_DOMAIN,
  type Report,
  type SignedReport,
  type ReportDraft,
  type Trigger,
} from './report.js';
export { makeWitness, WitnessI, type Witness } from './witness.js';
export { openArchiveStore } from './service.js';
export {
  actOnCase,
  prepareAction,
  describeAction,
  checkLogGrowth,
  makeAuditDesk,
  type ActRequest,
  type DeskCommand,
} from './audit-desk.js';
