// Mallory hosts a room by hand, in this process: a minimal host that admits
// Bob (a real member in its own process) with a valid join answer and keeps
// his MemberLink. She then sends him roster updates a room host must never
// send: signed by another vat, for another room, or rolled back to an older
// cseq. Bob refuses each with its code, keeps the current roster, and still
// chats with Carol, the other member.
import test from '@endo/ses-ava/prepare-endo.js';
import { E, Far, type ERef } from '@endo/far';
import { randomBytes } from 'node:crypto';
import { short, type VatId } from '../../captp-transport/index.js';
import { makePresence, type Delivery, type PeerInbox } from '../../presence/index.js';
import { signSnapshot, type Member, type MemberLink, type Snapshot } from '../../unum/index.js';
import { makeRosterView } from '../../unum/roster-view.js';
import type { Vat } from '../../vat/index.js';
import { nextEvent, roomVat, testVat } from '../helpers.js';

const member = (vatId: VatId, name: string, joinedAt: number): Member => ({
  vatId,
  name,
  role: 'member',
  address: '127.0.0.1:1',
  joinedAt,
  muted: false,
});

/**
 * Mallory's host: the join facet and what unum/host.ts gives a joiner (a
 * signed roster with it in, a gift to Carol's inbox and one to the host's),
 * with Carol's presence linked to the joiner both ways.
 */
const hostileHost = async (t: Parameters<typeof testVat>[0]) => {
  const [mallory, carolVat, dave] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const room = `lobby~${randomBytes(9).toString('base64url')}`;
  let current: Snapshot | undefined;
  const snapshot = (fields: Partial<Snapshot>): Snapshot =>
    harden({
      v: 1,
      room,
      type: 'chat-room',
      name: 'lobby',
      host: mallory.id,
      epoch: 1,
      cseq: 1,
      members: [],
      bans: [],
      rulesetHash: '',
      state: { ruleset: {} },
      ...fields,
    });
  const sign = (s: Snapshot, by: Vat = mallory) => signSnapshot(s, m => by.sign(m));
  const view = makeRosterView(room, () => current);
  const hostPresence = makePresence({ vat: mallory, roster: view });
  const carol = makePresence({ vat: carolVat, roster: view, host: mallory.id });
  t.teardown(() => {
    hostPresence.close();
    carol.close();
  });
  let joined!: (joiner: { link: ERef<MemberLink>; joinAnswer: ReturnType<typeof sign> }) => void;
  const joiner = new Promise<Parameters<typeof joined>[0]>(resolve => {
    joined = resolve;
  });
  const invite = mallory.exportPerPeer(peer =>
    Far('Join', {
      describe: () => harden({ room, type: 'chat-room', name: 'lobby', host: mallory.id }),
      async join(request: { name: string; link: ERef<MemberLink> }) {
        const { link } = request;
        const gift = await E(link).inboxGiftFor(carolVat.id);
        await carol.link(peer, await carolVat.redeem<PeerInbox>(gift));
        // Dave is in the first roster only: the rollback below would bring him back.
        current = snapshot({
          members: [
            member(carolVat.id, 'carol', 1),
            member(dave.id, 'dave', 1),
            member(peer, request.name, 1),
          ],
        });
        const joinAnswer = sign(current);
        joined({ link, joinAnswer });
        return harden({
          member: Far('MemberFacet', { leave: async () => {} }),
          snapshot: joinAnswer,
          peers: [{ vatId: carolVat.id, gift: carol.inboxGiftFor(peer, 60_000) }],
          hostInbox: hostPresence.inboxGiftFor(peer, 60_000),
          services: {},
        });
      },
    }),
  );
  return {
    mallory,
    dave,
    room,
    invite,
    carol,
    joiner,
    snapshot,
    sign,
    current: () => current!,
    set: (next: Snapshot) => {
      current = next;
    },
  };
};

test('a member refuses roster updates signed by another vat, for another room, or rolled back; it keeps the roster and chats on', async t => {
  const driver = await testVat(t);
  const bob = await roomVat(t, driver);
  const host = await hostileHost(t);
  const eve = await testVat(t);
  const joinedAs = await E(bob.control).join(host.invite, 'bob');
  t.deepEqual(joinedAs.roster, ['carol', 'dave', 'bob'], 'the join answer was adopted');
  const { link, joinAnswer } = await host.joiner;

  // An honest change first: Dave is removed (cseq 2).
  const withoutDave = host.snapshot({
    epoch: 2,
    cseq: 2,
    members: host.current().members.filter(m => m.vatId !== host.dave.id),
  });
  host.set(withoutDave);
  const current = host.sign(withoutDave);
  t.is(await E(link).update(current), undefined);
  const roster = ['carol', 'bob'];
  t.deepEqual(await E(bob.control).roster(), roster);

  const daveBack = {
    epoch: 3,
    cseq: 3,
    members: [...withoutDave.members, member(host.dave.id, 'dave', 3)],
  };
  const m8 = short(host.mallory.id);
  const forged = host.sign(host.snapshot(daveBack), eve);
  const badSignature = `[bad-snapshot] roster from host ${m8} has a bad signature`;
  await t.throwsAsync(E(link).update(forged), { message: badSignature });
  await t.throwsAsync(E(link).update(forged, { removed: 'forged' }), { message: badSignature });
  await t.throwsAsync(
    E(link).update(host.sign(host.snapshot({ ...daveBack, room: 'back-room~AAAAAAAAAAAA' }))),
    { message: `[bad-snapshot] roster from host ${m8} is for another room` },
  );
  const stale = `[stale-snapshot] roster from host ${m8} for ${host.room} has cseq 1, below the cseq 2 this member holds`;
  // The join answer replayed, and with a removal: neither rolls back nor removes (refused updates change nothing).
  await t.throwsAsync(E(link).update(joinAnswer), { message: stale });
  await t.throwsAsync(E(link).update(joinAnswer, { removed: 'rolled back' }), { message: stale });
  t.is(await E(link).update(current), undefined, 'the same cseq again is a resend: no error');

  t.deepEqual(await E(bob.control).roster(), roster, 'the current roster is kept');
  t.deepEqual(await E(bob.control).events('removed'), []);
  const heard = nextEvent<Delivery>(
    l => host.carol.on('message', l),
    d => d.envelope.wire.content === 'bob still here',
  );
  await E(bob.control).say('bob still here');
  await heard;
  host.carol.send('all', 'chat', 'carol still here');
  await E(bob.control).waitFor('message', { text: 'carol still here', name: 'carol' });
});
