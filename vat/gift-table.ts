// vat/gift-table.ts: gifts for three-party introductions (docs/protocol.md §3,
// after OCapN's deposit/withdraw-gift). A gift is bound to one recipient VatId
// and expires. Unlike OCapN's one-shot withdraw, the recipient may redeem it
// again until it expires, so a recipient whose session broke can come back
// without asking the introducer; nobody else can ever redeem it.
import { short, type VatId } from '../captp-transport/index.js';
import { makeSecret } from './sturdy-ref.js';

export interface GiftTable {
  /** Mints a gift id for `target`, redeemable by `recipient` for `ttlMs`. */
  mint(target: object, recipient: VatId, ttlMs: number): string;
  /** The gifted object, if `giftId` is live and meant for `recipient`. */
  claim(giftId: string, recipient: VatId): object | undefined;
  /** Forgets a gift before it expires; false if it was not there. */
  revoke(giftId: string): boolean;
  size(): number;
}

interface Gift {
  target: object;
  recipient: VatId;
  expiresAt: number;
}

export const makeGiftTable = (maxGifts: number, now = () => Date.now()): GiftTable => {
  const gifts = new Map<string, Gift>();
  const sweep = () => {
    const t = now();
    for (const [id, gift] of gifts) if (gift.expiresAt <= t) gifts.delete(id);
  };
  return harden({
    mint(target: object, recipient: VatId, ttlMs: number) {
      if (gifts.size >= maxGifts) sweep();
      if (gifts.size >= maxGifts) {
        throw Error(
          `[too-many-gifts] ${maxGifts} gifts are outstanding; cannot mint one for vat ${short(recipient)}`,
        );
      }
      const giftId = makeSecret();
      gifts.set(giftId, { target, recipient, expiresAt: now() + ttlMs });
      return giftId;
    },
    claim(giftId: string, recipient: VatId) {
      const gift = gifts.get(giftId);
      if (!gift) return undefined;
      if (gift.expiresAt <= now()) {
        gifts.delete(giftId);
        return undefined;
      }
      return gift.recipient === recipient ? gift.target : undefined;
    },
    revoke: (giftId: string) => gifts.delete(giftId),
    size: () => gifts.size,
  });
};
harden(makeGiftTable);
