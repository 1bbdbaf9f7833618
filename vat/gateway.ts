// vat/gateway.ts: the bootstrap object of one session, made per connection so
// it knows the authenticated peer. It answers `fetch(swissnum)` and
// `redeem(giftId)`; failures are rate-limited per peer and their errors never
// contain the secret that was presented.
import { M } from '@endo/patterns';
import { makeExo } from '@endo/exo';
import { short, type VatId } from '../captp-transport/index.js';
import type { ExportTable } from './export-table.js';
import type { FailureBudget } from './failure-budget.js';
import type { GiftTable } from './gift-table.js';
import { isSecret } from './sturdy-ref.js';

// No length limit in the guard: a guard error echoes its input, and the input
// is a secret. `isSecret` checks the form without echoing.
export const GatewayI = M.interface('Gateway', {
  fetch: M.call(M.string()).returns(M.remotable('exported object')),
  redeem: M.call(M.string()).returns(M.remotable('gifted object')),
});

export interface GatewayDeps {
  self: VatId;
  peer: VatId;
  exports: ExportTable;
  gifts: GiftTable;
  failures: FailureBudget;
}

export const makeGateway = ({ self, peer, exports, gifts, failures }: GatewayDeps) => {
  const lookup = (
    what: string,
    find: (secret: string) => object | undefined,
    secret: string,
  ): object => {
    failures.check(peer);
    const found = isSecret(secret) ? find(secret) : undefined;
    if (found === undefined) {
      failures.spend(peer);
      throw Error(
        `[unknown-${what}] vat ${short(self)} has no ${what === 'ref' ? 'export for the sturdy ref' : 'live gift for this vat under the id'} presented by vat ${short(peer)}`,
      );
    }
    return found;
  };
  return makeExo(`Gateway ${short(self)} for ${short(peer)}`, GatewayI, {
    fetch(swissnum: string) {
      return lookup('ref', s => exports.lookup(s, peer), swissnum);
    },
    redeem(giftId: string) {
      return lookup('gift', id => gifts.claim(id, peer), giftId);
    },
  });
};
harden(makeGateway);
export type Gateway = ReturnType<typeof makeGateway>;
