// moderation/names.ts: members' names by room, learnt from every host-signed
// roster the service sees (a room's registration, each report's roster), so
// an auditor reads the same name for a vat whichever case was opened first.
import type { VatId } from '../captp-transport/index.js';

export interface NameBook {
  learn(room: string, members: ReadonlyArray<{ vatId: VatId; name: string }>): void;
  /** Names by vat id in `room`: the latest roster's name for each vat seen there. */
  of(room: string): Record<string, string>;
}

export const makeNameBook = (): NameBook => {
  const rooms = new Map<string, Map<VatId, string>>();
  return harden({
    learn(room, members) {
      const names = rooms.get(room) ?? new Map<VatId, string>();
      for (const m of members) names.set(m.vatId, m.name);
      rooms.set(room, names);
    },
    of: room => Object.fromEntries(rooms.get(room) ?? []),
  });
};
harden(makeNameBook);
