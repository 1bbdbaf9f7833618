// demo-community/moderation/: signed reports verified, archived in a
// tamper-evident log, and acted on by auditors holding capabilities.
export { startModeration, DEFAULT_MODERATION_LIMITS, type Moderation, type ModerationOptions, type AuditorRole } from './service.js';
export { createModeratedRoom, type ModeratedRoom } from './moderated-room.js';
export { signAction, openAction, type Action, type SignedAction, type Sanction } from './action.js';
export { verifyReport, type Verification, type Verdict, type Problem, type Finding, type ItemMark } from './verify-report.js';
export { verifyReceipt, verifyGrowth, openArchive, type Archive, type Receipt } from './archive.js';
export { openCheckpoint, type Checkpoint, type SignedCheckpoint } from './checkpoint.js';
export type { AuditorFacet, CaseSummary, ReportCheck, LogEntry } from './facets.js';
export type { GatherResult } from './gather.js';
export type { Case } from './cases.js';
