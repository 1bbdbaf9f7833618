// vat/limits.ts: the vat layer's bounds, named and defaulted in one place.

export const DEFAULT_VAT_LIMITS = harden({
  /** Failed fetch/redeem attempts a peer may make in a burst… */
  failedLookupBurst: 20,
  /** …after which it earns one more attempt per this many ms. */
  failedLookupRefillMs: 1_000,
  /** Lifetime of a gift when giftFor is given none. */
  giftTtlMs: 5 * 60_000,
  /** Gifts outstanding at once; minting more is refused. */
  maxGifts: 100_000,
});
export type VatLimits = { -readonly [K in keyof typeof DEFAULT_VAT_LIMITS]: number };
