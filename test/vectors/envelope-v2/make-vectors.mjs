// Computes the envelope v2 test vectors (docs/protocol.md §5.13) from the
// specification alone, with node:crypto and nothing of Stoa's code, so the
// vectors check the code rather than repeat it. Run:
//   node test/vectors/envelope-v2/make-vectors.mjs > test/vectors/envelope-v2/vectors.json
import { createHash, sign } from 'node:crypto';
import { keyOf } from '../seed-keys.mjs';

const leb128 = n => {
  const out = [];
  let rest = BigInt(n);
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    out.push(byte);
  } while (rest > 0n);
  return Buffer.from(out);
};
const sha256 = bytes => createHash('sha256').update(bytes).digest();
const DOMAIN = Buffer.from('stoa/envelope/v2\n', 'utf8');

const alice = keyOf(7);
const bob = keyOf(8);
const carol = keyOf(9);
const SALT = Buffer.alloc(16, 1);

/** §5.13: the binary header, with or without its trailing body. */
const headerBytes = (h, withBody) =>
  Buffer.concat([
    Buffer.from([0x02, h.kind.length]),
    Buffer.from(h.kind, 'ascii'),
    Buffer.from([Buffer.byteLength(h.room, 'utf8')]),
    Buffer.from(h.room, 'utf8'),
    leb128(h.epoch),
    h.author.raw,
    leb128(h.seq),
    h.prev,
    leb128(h.ts),
    Buffer.from([h.to ? 1 : 0]),
    h.to ? h.to.raw : Buffer.alloc(0),
    Buffer.from([h.heads.length]),
    ...h.heads.flatMap(([who, seq, id]) => [who.raw, leb128(seq), id]),
    withBody ? h.body : Buffer.alloc(0),
  ]);

/** §5.14: the delivery form, as the author sends its own line; refs are the first 4 bytes. */
const deliveryForm = h =>
  Buffer.concat([
    Buffer.from([0x82, h.kind.length]),
    Buffer.from(h.kind, 'ascii'),
    leb128(h.epoch),
    leb128(h.seq),
    h.seq > 1 ? h.prev.subarray(0, 4) : Buffer.alloc(0),
    leb128(h.ts),
    Buffer.from([h.to ? 1 : 0]),
    Buffer.from([h.heads.length]),
    ...h.heads.flatMap(([who, seq, id]) => [who.raw.subarray(0, 4), leb128(seq), id.subarray(0, 4)]),
  ]);

const vector = (name, h, content) => {
  const body = sha256(Buffer.concat([SALT, Buffer.from(content, 'utf8')]));
  const full = { ...h, body };
  const signed = Buffer.concat([DOMAIN, headerBytes(full, true)]);
  const id = sha256(signed);
  const sig = sign(null, signed, h.author.key);
  return {
    name,
    fields: {
      v: 2,
      room: h.room,
      epoch: h.epoch,
      author: h.author.vatId,
      seq: h.seq,
      prev: h.prev.toString('hex'),
      ts: h.ts,
      heads: h.heads.map(([who, seq, headId]) => [who.vatId, seq, headId.toString('hex')]),
      kind: h.kind,
      body: body.toString('hex'),
      ...(h.to ? { to: h.to.vatId } : {}),
    },
    content,
    salt: SALT.toString('base64url'),
    signedHex: signed.toString('hex'),
    id: id.toString('hex'),
    wire: {
      header: headerBytes(full, false).toString('base64url'),
      sig: sig.toString('base64url'),
      content,
      salt: SALT.toString('base64url'),
    },
    withheld: { header: headerBytes(full, true).toString('base64url'), sig: sig.toString('base64url') },
    delivery: {
      sender: h.author.vatId,
      receiver: (h.to ?? bob).vatId,
      item: `${deliveryForm(h).toString('base64url')}.${sig.toString('base64url')}.${SALT.toString('base64url')}.${content}`,
    },
    _id: id,
  };
};

const GENESIS = Buffer.alloc(32, 0);
const base = { room: 'lobby~test', epoch: 2, ts: 1767225600000, kind: 'chat', heads: [] };
const first = vector('first line', { ...base, author: alice, seq: 1, prev: GENESIS }, 'hello, world');
const second = vector(
  'second line naming two heads',
  {
    ...base,
    author: alice,
    seq: 2,
    prev: first._id,
    ts: base.ts + 1500,
    heads: [
      [bob, 3, sha256(Buffer.from('bob 3'))],
      [carol, 200, sha256(Buffer.from('carol 200'))],
    ].sort((a, b) => (a[0].vatId < b[0].vatId ? -1 : 1)),
  },
  'a "quoted" line — with ünïcode',
);
const whisper = vector(
  'a whisper',
  { ...base, author: alice, seq: 1, prev: GENESIS, kind: 'whisper', to: bob, epoch: 300 },
  'just for you',
);
const vectors = [first, second, whisper].map(({ _id, ...v }) => v);
console.log(JSON.stringify({ keys: { alice: alice.vatId, bob: bob.vatId, carol: carol.vatId, seeds: 'alice 0x07 × 32, bob 0x08 × 32, carol 0x09 × 32 (Ed25519 seeds)' }, vectors }, null, 2));
