// presence/roster-view.ts: what a presence needs to know of the room's
// membership to check envelopes. The unum layer provides it from the signed
// roster; the presence layer never sees how the roster is kept.
import type { VatId } from '../captp-transport/index.js';

export interface RosterView {
  /** The room's id (the `room` every envelope must carry). */
  readonly room: string;
  /** The epoch of the latest roster this presence holds. */
  epoch(): number;
  isMember(vatId: VatId): boolean;
  /** The epoch at which `vatId` joined, if it is a member. */
  joinedAt(vatId: VatId): number | undefined;
  /** A muted member's envelopes are kept as evidence but not shown. */
  isMuted(vatId: VatId): boolean;
}
