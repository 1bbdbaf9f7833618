// unum/admission.ts: whether a vat not in the roster may join, in order:
// removed on purpose and only re-attaching, banned, closed, full, its name
// taken (or looking like one taken: unum/member-name.ts).
import { short, type VatId } from '../captp-transport/index.js';
import { namesClash } from './member-name.js';
import type { Snapshot } from './snapshot.js';

export interface Applicant {
  vatId: VatId;
  /** Normalised (normaliseName). */
  name: string;
  /** Its reconnect loop, not a join with the invite. */
  reattach: boolean;
  /** Why it was removed on purpose, if it was (kicked). */
  removal: string | undefined;
  open: boolean;
  capacity: number;
}

/**
 * A vat cannot be a member of a room it hosts: its member presence and the
 * host presence would share one VatId, and peers key their links by VatId.
 */
export const ownRoom = (vatId: VatId, room: string) =>
  Error(
    `[own-room] vat ${short(vatId)} hosts ${room} itself; join it from another vat (another data directory)`,
  );

const refuse = (
  code: 'banned' | 'full' | 'closed' | 'name-taken',
  room: string,
  why: string,
): never => {
  throw Error(`[${code}] join refused by room ${JSON.stringify(room)}: ${why}`);
};

/** Throws the refusal (`[removed]`, `[banned]`, `[closed]`, `[full]`, `[name-taken]`), if any. */
export const checkAdmission = (
  current: Snapshot<unknown> | Omit<Snapshot<unknown>, 'v'>,
  who: Applicant,
  now = Date.now(),
): void => {
  const { vatId, name } = who;
  if (who.removal !== undefined && who.reattach) {
    // Kicked while its vat was away: only the member itself, joining with the invite, comes back.
    throw Error(
      `[removed] vat ${short(vatId)} was removed from ${JSON.stringify(current.name)} (${who.removal}); join again with the invite`,
    );
  }
  const ban = current.bans.find(b => b.vatId === vatId && (b.until === 0 || b.until > now));
  if (ban)
    refuse(
      'banned',
      current.name,
      ban.until ? `banned until ${new Date(ban.until).toISOString()}` : 'banned',
    );
  if (!who.open) refuse('closed', current.name, 'the room is not admitting members');
  if (current.members.length >= who.capacity)
    refuse('full', current.name, `it holds ${who.capacity} members`);
  const alike = current.members.find(m => namesClash(m.name, name));
  if (alike) {
    refuse(
      'name-taken',
      current.name,
      alike.name === name
        ? `a member is already called ${JSON.stringify(name)}`
        : `${JSON.stringify(name)} looks like the name of a member already in it; choose another name`,
    );
  }
};
harden(checkAdmission);
