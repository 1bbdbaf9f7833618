// Computes the replicated room's test vectors (docs/protocol.md §4.8) from the
// specification alone, with node:crypto and nothing of Stoa's code, so the
// vectors check the code rather than repeat it. Run:
//   node test/vectors/quorum/make-vectors.mjs > test/vectors/quorum/vectors.json
import { createHash, sign } from 'node:crypto';
import { keyOf } from '../seed-keys.mjs';

// RFC 8785 for what these vectors hold (objects, arrays, ASCII strings, integers):
// keys sorted by UTF-16 code units, no white space.
const canonical = value =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map(k => `${JSON.stringify(k)}:${canonical(value[k])}`)
          .join(',')}}`
      : JSON.stringify(value);
const b64u = bytes => Buffer.from(bytes).toString('base64url');
const signed = (who, domain, text) => b64u(sign(null, Buffer.from(domain + text, 'utf8'), who.key));
const sha = text => b64u(createHash('sha256').update(text, 'utf8').digest());

const [ra, rb, rc] = [keyOf(1), keyOf(2), keyOf(3)]; // the replicas
const alice = keyOf(7);
const ROOM = 'lobby~AAAAAAAAAAAA';
const T0 = 1767225600000;

// §4.8.2 a critical request
const request = {
  v: 1,
  room: ROOM,
  kind: 'join',
  author: alice.vatId,
  content: canonical({ name: 'alice', address: '127.0.0.1:7001' }),
  nonce: b64u(Buffer.alloc(16, 0x2a)),
  ts: T0 + 1000,
};
const requestText = canonical(request);
const requestVector = {
  text: requestText,
  sig: signed(alice, 'stoa/request/v1\n', requestText),
  id: sha(requestText),
};

// §4.8.3 a timeslot of replica a reporting that request's arrival
const timeslot = {
  v: 1,
  room: ROOM,
  replica: ra.vatId,
  seq: 7,
  ts: T0 + 1050,
  cseq: 3,
  arrivals: [[requestVector.id, T0 + 1012]],
};
const timeslotText = canonical(timeslot);
const timeslotVector = { text: timeslotText, sig: signed(ra, 'stoa/timeslot/v1\n', timeslotText) };

// §4.8.1 the snapshot that request made, signed by each replica
const snapshot = {
  v: 2,
  room: ROOM,
  type: 'chat-room',
  name: 'lobby',
  host: ra.vatId,
  epoch: 1,
  cseq: 4,
  members: [
    {
      vatId: alice.vatId,
      name: 'alice',
      role: 'member',
      address: '127.0.0.1:7001',
      joinedAt: 1,
      muted: false,
    },
  ],
  bans: [],
  rulesetHash: '',
  state: { ruleset: {} },
  replicas: [ra, rb, rc].map((r, i) => ({
    vatId: r.vatId,
    ref: `stoa://${r.vatId}@127.0.0.1:${7100 + i}/s/${b64u(Buffer.alloc(16, 0x10 + i))}`,
  })),
  capacity: 64,
  open: true,
  at: T0 + 1012,
  request: requestVector.id,
};
const snapshotText = canonical(snapshot);
const sigOf = who => ({ by: who.vatId, sig: signed(who, 'stoa/roster/v2\n', snapshotText) });
const certified = { snapshot: snapshotText, sigs: [sigOf(ra), sigOf(rb)] };

// §4.8.6 replica c signs another snapshot for cseq 4 (re-admitting nobody, a ban lifted)
const forged = canonical({ ...snapshot, bans: [], members: [], epoch: 2 });
const forgedSig = signed(rc, 'stoa/roster/v2\n', forged);
const againstMajority = {
  v: 1,
  kind: 'against-majority',
  room: ROOM,
  replica: rc.vatId,
  cseq: 4,
  first: { snapshot: forged, sig: forgedSig },
  second: certified,
};
const doubleSign = {
  v: 1,
  kind: 'double-sign',
  room: ROOM,
  replica: rc.vatId,
  cseq: 4,
  first: { snapshot: forged, sig: forgedSig },
  second: { snapshot: snapshotText, sigs: [sigOf(rc)] },
};

console.log(
  JSON.stringify(
    {
      keys: {
        replicas: [ra.vatId, rb.vatId, rc.vatId],
        alice: alice.vatId,
        seeds: 'replicas 0x01, 0x02, 0x03 × 32, alice 0x07 × 32 (Ed25519 seeds)',
      },
      room: ROOM,
      request: requestVector,
      timeslot: timeslotVector,
      snapshot: { text: snapshotText, hash: sha(snapshotText), certified },
      evidence: { againstMajority, doubleSign },
    },
    null,
    2,
  ),
);
