// unum/peer-links.ts: a member's links to the other members' presences, made
// from the gifts the host (or a replica) passed on: each retried with backoff
// while the peer stays in the roster, made again when it breaks, and undone
// when the roster no longer names the peer.
import type { VatId } from '../captp-transport/index.js';
import type { PeerInbox, Presence } from '../presence/index.js';
import type { Vat } from '../vat/index.js';
import type { PeerGift } from './facets.js';
import type { UnumLimits } from './limits.js';
import { pause } from './serial.js';

export const makePeerLinks = (opts: {
  vat: Vat;
  presence: Presence;
  limits: UnumLimits;
  /** False once the membership ended: retries stop. */
  live: () => boolean;
  inRoster: (vatId: VatId) => boolean;
  /** A peer that is not a member (the host): never relinked nor undone here. */
  host?: VatId;
}) => {
  const { vat, presence, limits } = opts;
  const gifts = new Map<VatId, string>();
  /** Links to a peer from its gift, retrying with backoff while it stays in the roster. */
  const link = async ({ vatId, gift }: PeerGift) => {
    gifts.set(vatId, gift);
    for (
      let wait = limits.minBackoffMs;
      opts.live() && gifts.get(vatId) === gift;
      wait = Math.min(wait * 2, limits.maxBackoffMs)
    ) {
      try {
        await presence.link(vatId, await vat.redeem<PeerInbox>(gift));
        return;
      } catch (error) {
        if (/^\[unknown-gift\]/.test((error as Error).message)) return; // it restarted; it re-attaches and is introduced again
        await pause(wait);
      }
    }
  };
  // A broken link to a member is re-made from its gift.
  presence.on('peer-broken', ({ peer }) => {
    const gift = gifts.get(peer);
    if (gift && peer !== opts.host && opts.inRoster(peer)) void link({ vatId: peer, gift });
  });
  return harden({
    link,
    /** Unlinks every peer the roster no longer names. */
    prune() {
      for (const peer of presence.linked()) {
        if (peer !== opts.host && !opts.inRoster(peer)) {
          presence.unlink(peer);
          gifts.delete(peer);
        }
      }
    },
  });
};
harden(makePeerLinks);
