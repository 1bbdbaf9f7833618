// unum/member-link.ts: the MemberLink a member hands its host, revocable. The
// host's captp tables keep the link for the life of their session, which
// outlives the membership when the member leaves and joins again from the
// same vat: revoking drops the replica behind it, so an old membership's
// window and presence are not kept alive by a reference nobody will use.
import { makeExo } from '@endo/exo';
import { short, type VatId } from '../captp-transport/index.js';
import { MemberLinkI, type MemberLink } from './facets.js';

export const makeMemberLinkKit = (self: VatId, room: string, given: MemberLink) => {
  let live: MemberLink | undefined = given;
  const check = (): MemberLink => {
    if (!live) throw Error(`[closed] vat ${short(self)} is no longer a member of ${room}`);
    return live;
  };
  const link = makeExo(`MemberLink ${short(self)} in ${room}`, MemberLinkI, {
    update: (signed, change) => check().update(signed, change),
    inboxGiftFor: peer => check().inboxGiftFor(peer),
    confirm: (cseq, hash) => check().confirm(cseq, hash),
  });
  return harden({
    link,
    revoke: () => {
      live = undefined;
    },
  });
};
harden(makeMemberLinkKit);
