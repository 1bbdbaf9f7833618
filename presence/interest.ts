// presence/interest.ts: interest management for spatial rooms (after Sony's
// Community Place aura and Colyseus's views). A message fans only to peers
// within the aura radius (plus a margin for positions that arrive late), at
// most `maxInAura` of them, nearest first, so a large room does not cost every
// peer c - 1 sends.
import type { VatId } from '../captp-transport/index.js';

export interface Position {
  x: number;
  y: number;
}

export interface AuraPolicy {
  radius: number;
  maxInAura: number;
  /**
   * How much farther than `radius` a peer may be, by the last position it
   * told us, and still count as in the aura (default 0). Positions arrive
   * late: a peer outside tells us its own only now and then (§5.10), so one
   * that came within `radius` meanwhile would hear us at the far rate.
   */
  margin?: number;
}

/** Refuses a policy that would select nobody or everybody by accident (NaN, a negative radius). */
export const checkAuraPolicy = (policy: AuraPolicy): void => {
  const { radius, maxInAura, margin = 0 } = policy;
  const fine =
    Number.isFinite(radius) &&
    radius >= 0 &&
    Number.isInteger(maxInAura) &&
    maxInAura >= 1 &&
    Number.isFinite(margin) &&
    margin >= 0;
  if (!fine)
    throw Error(
      `[bad-aura] an aura is { radius, maxInAura, margin? }: radius and margin numbers of at least 0, maxInAura a whole number of at least 1; got ${JSON.stringify(policy)}`,
    );
};
harden(checkAuraPolicy);

/** The peers an envelope from `origin` should reach; a peer whose position is unknown is outside. */
export const selectInAura = (
  origin: Position | undefined,
  peers: Iterable<VatId>,
  positions: ReadonlyMap<VatId, Position>,
  policy: AuraPolicy,
): VatId[] => {
  if (!origin) return [];
  const near: Array<{ peer: VatId; d2: number }> = [];
  const reach = policy.radius + (policy.margin ?? 0);
  const r2 = reach * reach;
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
