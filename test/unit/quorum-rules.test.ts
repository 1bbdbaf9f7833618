// What a replicated room's requests do (unum/quorum/room-rules.ts): here, that
// a member is removed as gone only once a majority of the replicas each said
// so within AWAY_VOTES_MS, so one replica cannot remove members at will.
import test from '@endo/ses-ava/prepare-endo.js';
import { chatRoom, type ChatState } from '../../unum/index.js';
import type { QuorumSnapshot } from '../../unum/quorum/certified.js';
import { signRequest } from '../../unum/quorum/request.js';
import { AWAY_VOTES_MS, makeRoomRules } from '../../unum/quorum/room-rules.js';
import { makeSigner } from '../fuzz/mutate.js';
import { doorOf } from '../fixtures/quorum-net.js';

const ROOM = 'lobby~rulestest';
const [r1, r2, r3, m] = [makeSigner(), makeSigner(), makeSigner(), makeSigner()];
const T = 1_767_225_600_000;
const tip: QuorumSnapshot<ChatState> = harden({
  v: 2,
  room: ROOM,
  type: 'chat-room',
  name: 'lobby',
  host: r1.id,
  epoch: 1,
  cseq: 1,
  members: [
    { vatId: m.id, name: 'm', role: 'member', address: '127.0.0.1:1', joinedAt: 1, muted: false },
  ],
  bans: [],
  rulesetHash: '',
  state: { ruleset: {} },
  replicas: [r1, r2, r3].map(r => ({ vatId: r.id, ref: doorOf(r.id) })),
  capacity: 64,
  open: true,
  at: T,
  request: '',
});
const rules = makeRoomRules(chatRoom);
const ask = (from: ReturnType<typeof makeSigner>, kind: string, content: object) =>
  signRequest(
    { room: ROOM, kind, author: from.id, content: JSON.stringify(content), ts: T },
    from.sign,
  );
/** Applies a request as the core would: the next state's fields, the rest carried over. */
const apply = (state: QuorumSnapshot<ChatState>, request: ReturnType<typeof ask>, at: number) => {
  const outcome = rules(state, request, at);
  if ('refused' in outcome) throw Error(outcome.refused);
  return harden({
    ...outcome.next,
    v: 2,
    room: ROOM,
    cseq: state.cseq + 1,
    at,
    request: request.id,
  }) as QuorumSnapshot<ChatState>;
};
const named = (s: QuorumSnapshot<ChatState>) => s.members.map(x => x.name);

test('one replica saying a member is gone is a vote, not a removal; a majority removes it', t => {
  const once = apply(tip, ask(r1, 'gone', { vatId: m.id }), T + 10);
  t.deepEqual(named(once), ['m']);
  t.is(once.epoch, 1);
  t.deepEqual(once.away, [{ vatId: m.id, by: [r1.id], since: T + 10 }]);
  const again = apply(once, ask(r1, 'gone', { vatId: m.id }), T + 20);
  t.deepEqual(again.away?.[0]?.by, [r1.id], 'the same replica counts once');
  const twice = apply(again, ask(r2, 'gone', { vatId: m.id }), T + 30);
  t.deepEqual(named(twice), []);
  t.is(twice.epoch, 2);
  t.is(twice.away, undefined);
});

test('votes older than AWAY_VOTES_MS start over; a member that joins again clears them; a non-replica has no vote', t => {
  const once = apply(tip, ask(r1, 'gone', { vatId: m.id }), T);
  const late = apply(once, ask(r2, 'gone', { vatId: m.id }), T + AWAY_VOTES_MS + 1);
  t.deepEqual(named(late), ['m']);
  t.deepEqual(late.away?.[0]?.by, [r2.id]);
  const back = apply(
    late,
    ask(m, 'join', { name: 'm', address: '127.0.0.1:2' }),
    T + AWAY_VOTES_MS + 2,
  );
  t.is(back.away, undefined);
  t.is(back.members[0]!.address, '127.0.0.1:2');
  const outcome = rules(tip, ask(m, 'gone', { vatId: m.id }), T);
  t.true('refused' in outcome && /^\[not-a-replica\]/.test(outcome.refused));
});
