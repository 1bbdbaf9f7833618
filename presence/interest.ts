// presence/interest.ts: interest management for spatial rooms (after Sony's
// Community Place aura and Colyseus's views). A message fans only to peers
// within the aura radius, at most `maxInAura` of them, nearest first, so a
// large room does not cost every peer c - 1 sends.
import type { VatId } from '../captp-transport/index.js';

export interface Position {
  x: number;
  y: number;
}

export interface AuraPolicy {
  radius: number;
  maxInAura: number;
}

/** The peers an envelope from `origin` should reach; a peer whose position is unknown is outside. */
export const selectInAura = (
  origin: Position | undefined,
  peers: Iterable<VatId>,
  positions: ReadonlyMap<VatId, Position>,
  policy: AuraPolicy,
): VatId[] => {
  if (!origin) return [];
  const near: Array<{ peer: VatId; d2: number }> = [];
  const r2 = policy.radius * policy.radius;
  for (const peer of peers) {
    const p = positions.get(peer);
    if (!p) continue;
    const d2 = (p.x - origin.x) ** 2 + (p.y - origin.y) ** 2;
    if (d2 <= r2) near.push({ peer, d2 });
  }
  near.sort((a, b) => a.d2 - b.d2 || (a.peer < b.peer ? -1 : 1));
  return near.slice(0, policy.maxInAura).map(n => n.peer);
};
harden(selectInAura);
