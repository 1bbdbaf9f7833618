// demo-community/daemon/desk-words.ts: the sentences the terminal chat and
// the member's page show for what moderation did, made in one place so both
// say the same. Plain functions without imports or harden: the page's
// bundle shares them.
import type { DeskNotice, DeskOutcome, DeskReceipt } from './desk-types.js';

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * `14:05` today, `3 Dec 14:05` on another day, in this machine's time zone.
 * By hand: a hardened vat's locale methods are tamed (they ignore options).
 */
export const clockWords = (ts: number, now = Date.now()): string => {
  const when = new Date(ts);
  const hm = `${two(when.getHours())}:${two(when.getMinutes())}`;
  return sameDay(when, new Date(now)) ? hm : `${when.getDate()} ${MONTHS[when.getMonth()]} ${hm}`;
};

const lasting = (until: number) => (until ? ` until ${clockWords(until)}` : '');

/** One line for the room: who, what, and the statement of reasons. */
export const noticeWords = (n: DeskNotice): string => {
  const who = n.self ? 'You' : n.name || 'A former member';
  const were = n.self ? 'were' : 'was';
  const why = n.reason ? ` — ${n.reason}` : '';
  switch (n.what) {
    case 'kick':
      return `${who} ${were} removed from the room by the moderators${why}`;
    case 'ban':
      return `${who} ${were} banned${n.until ? lasting(n.until) : ' with no end'}${why}`;
    case 'unban':
      return `${who} ${n.self ? 'are' : 'is'} no longer banned${why}`;
    case 'mute':
      return `${who} ${were} muted${n.until ? lasting(n.until) : ' with no end'}${why}`;
    default:
      return `${who} ${n.self ? 'are' : 'is'} no longer muted${why}`;
  }
};

/** What the moderation service said of a report: received and checked, not "upheld". */
export const receiptWords = (r: DeskReceipt): string => {
  if (r.error) return `Not delivered: ${r.error}`;
  const said =
    r.verdict === 'verified'
      ? 'Received and checked: every signature holds'
      : r.verdict === 'partial'
        ? 'Received; some lines could not be checked'
        : r.verdict === 'rejected'
          ? 'Received, but its signatures did not check out'
          : 'Sent';
  return r.outcome ? `${said}. ${outcomeWords(r.outcome)}` : `${said}; no decision yet.`;
};

/** `2 h 30 min`, `3 d`: the largest units, to the minute. */
export const durationWords = (ms: number): string => {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
  ];
  let left = Math.max(ms, 60_000);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const n = Math.floor(left / size);
    if (n) parts.push(`${n} ${unit}`);
    left -= n * size;
  }
  return parts.join(' ');
};

/** What a decision did, after its subject: `muted mallory for 2 h`, `closed the case without action`. */
export const decisionPhrase = (action: string, whom: string, durationMs: number): string => {
  const lasting = durationMs ? ` for ${durationWords(durationMs)}` : ' with no end';
  switch (action) {
    case 'dismiss':
      return 'closed the case without action';
    case 'kick':
      return `removed ${whom} from the room`;
    case 'mute':
      return `muted ${whom}${lasting}`;
    case 'ban':
      return `banned ${whom}${lasting}`;
    case 'unmute':
      return `lifted the mute on ${whom}`;
    default:
      return `lifted the ban on ${whom}`;
  }
};

/** An auditor's decision on the case, as the reporter reads it. */
export const outcomeWords = (o: DeskOutcome): string =>
  `The moderators ${decisionPhrase(o.action, o.targetName || 'the member', o.durationMs)} — ${o.reason}`;
