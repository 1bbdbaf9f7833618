// demo-community/daemon/outcome-follower.ts: tells a reporter what auditors
// decided on its cases. While the vat is in the room it keeps one call open
// at the moderation service (`outcomes`, answered when the log grows); the
// service keeps every decision, so a vat that was away learns them when it
// is back. Each decision is written onto the stored receipts of its case
// before it is shown, once.
import type { ModeratedMember } from '../../moderation/index.js';
import type { DeskOutcome } from './desk-types.js';

/** A call that came back sooner than this with nothing is not made again at once (a service that never waits). */
const FLOOR_MS = 2000;
const WAIT_MS = 60_000;
const MAX_BACKOFF_MS = 60_000;

export interface OutcomeFollower {
  /** Starts following, if not already (after a report with a case id, or at entry when receipts have one). */
  start(): void;
  stop(): void;
}

export const followOutcomes = (
  member: Pick<ModeratedMember, 'outcomes'>,
  /** Writes the decision onto its case's receipts; true when it was new to them. */
  keep: (outcome: DeskOutcome) => boolean,
  /** Tells the room's watchers (a line and a receipt event). */
  tell: (outcome: DeskOutcome) => void,
  nameOf: (vatId: string) => string,
): OutcomeFollower => {
  let running = false;
  let stopped = false;
  let wake: () => void = () => {};
  const pause = (ms: number) =>
    new Promise<void>(resolve => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = async () => {
    let after = 0;
    let backoff = FLOOR_MS;
    while (!stopped) {
      const asked = Date.now();
      try {
        const found = await member.outcomes(after, WAIT_MS);
        backoff = FLOOR_MS;
        for (const o of found) {
          after = Math.max(after, o.entry);
          const outcome: DeskOutcome = {
            caseId: o.caseId,
            action: o.action,
            ...(o.target ? { targetName: nameOf(o.target) } : {}),
            reason: o.reason,
            durationMs: o.durationMs,
            entry: o.entry,
            ts: o.ts,
          };
          if (keep(outcome)) tell(outcome);
        }
        if (!found.length && Date.now() - asked < FLOOR_MS) await pause(FLOOR_MS);
      } catch {
        // the service is away (or says no): ask again later, never in a tight loop
        await pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  };
  return {
    start() {
      if (running || stopped) return;
      running = true;
      void loop();
    },
    stop() {
      stopped = true;
      wake();
    },
  };
};
