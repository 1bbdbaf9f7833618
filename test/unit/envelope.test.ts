// Envelope encoding against fixed vectors: canonical JSON (RFC 8785), the
// domain-separated id, the salted body hash, and a deterministic Ed25519
// signature from a fixed key. Another implementation must reproduce these.
import test from '@endo/ses-ava/prepare-endo.js';
import { createPrivateKey, sign } from 'node:crypto';
import {
  canonical,
  contentHash,
  openEnvelope,
  sealEnvelope,
  signatureHolds,
  contentMatches,
  withholdContent,
  GENESIS,
} from '../../presence/index.js';

const SEED = Buffer.alloc(32, 7);
const KEY = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]),
  format: 'der',
  type: 'pkcs8',
});
const AUTHOR = '5jfgyy7ctrjavpxvkb5rglwf7gkuo5vox27hxescd3vgsfcg2iwa';
const SALT = 'AQEBAQEBAQEBAQEBAQEBAQ'; // sixteen 0x01 bytes
const HEADER_TEXT =
  '{"author":"5jfgyy7ctrjavpxvkb5rglwf7gkuo5vox27hxescd3vgsfcg2iwa","body":"f7aa59f0b62060d041fe673f6be6c000a09978e2f9cbbbdcdba05401d5ab60ea","epoch":2,"heads":[],"kind":"chat","prev":"0000000000000000000000000000000000000000000000000000000000000000","room":"lobby~test","seq":1,"ts":1767225600000,"v":1}';
const ID = '5857a678d708cd01ed97b5f14821e195af7f4e21f504f2ab2d2925e2593e8a5a';
const SIG =
  'r0nv0MKLSyOVlBC-wuyIcYVER0gVJfgbA_BBGmboXhiI3dM-YRUsfrChrutPOjAx7csqaWuMVnwehWF0MVPXDQ';

test('canonical JSON follows RFC 8785 (its own example, §3.2.2)', t => {
  const input = JSON.parse(
    '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
  );
  t.is(
    canonical(input),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

test('the body is SHA-256 of salt then UTF-8 content', t => {
  t.is(
    contentHash(SALT, 'hello, world'),
    'f7aa59f0b62060d041fe673f6be6c000a09978e2f9cbbbdcdba05401d5ab60ea',
  );
});

test('a fixed envelope opens to the fixed id, and its fixed signature holds', t => {
  const envelope = openEnvelope({
    header: HEADER_TEXT,
    sig: SIG,
    content: 'hello, world',
    salt: SALT,
  });
  t.is(envelope.id, ID, 'id = SHA-256("stoa/envelope/v1\\n" + header)');
  t.is(envelope.header.author, AUTHOR);
  t.true(signatureHolds(envelope));
  t.true(contentMatches(envelope));
});

test('sealing with the fixed key gives a header that verifies under the fixed author', t => {
  const sealed = sealEnvelope(
    {
      room: 'lobby~test',
      epoch: 2,
      author: AUTHOR,
      seq: 1,
      prev: GENESIS,
      ts: 1767225600000,
      heads: [],
      kind: 'chat',
    },
    'hello, world',
    m => sign(null, m, KEY),
  );
  t.true(signatureHolds(sealed));
  t.true(contentMatches(sealed));
  t.not(sealed.wire.salt, SALT, 'each seal draws a fresh salt');
});

test('the fixed key signs the fixed header to the fixed signature (Ed25519 is deterministic)', t => {
  t.is(sign(null, Buffer.from(`stoa/envelope/v1\n${HEADER_TEXT}`), KEY).toString('base64url'), SIG);
});

test('an envelope whose header is not in canonical form is refused', t => {
  const reordered = HEADER_TEXT.replace('{"author"', '{"v":1,"author"').replace(',"v":1}', '}');
  t.throws(() => openEnvelope({ header: reordered, sig: SIG }), {
    message: '[malformed] envelope header is not in canonical form',
  });
});

test('a withheld line keeps header and signature, so it still verifies and still counts', t => {
  const envelope = openEnvelope(
    withholdContent({ header: HEADER_TEXT, sig: SIG, content: 'hello, world', salt: SALT }),
  );
  t.is(envelope.wire.content, undefined);
  t.true(signatureHolds(envelope));
  t.true(contentMatches(envelope), 'nothing to compare; the body hash still commits to the line');
});

const malformed: Array<[string, Record<string, unknown>, RegExp]> = [
  ['an unknown field', { extra: 1 }, /has an unknown field "extra"/],
  ['a zero seq', { seq: 0 }, /seq is not a positive integer/],
  ['seq 1 not after genesis', { prev: 'a'.repeat(64) }, /seq 1 does not follow genesis/],
  ['an upper-case kind', { kind: 'Chat' }, /kind is not a short lower-case name/],
  ['a bad author', { author: 'mallory' }, /author is not a vat id/],
  [
    'unsorted heads',
    {
      heads: [
        ['b'.repeat(52), 1, 'a'.repeat(64)],
        ['a'.repeat(52), 1, 'a'.repeat(64)],
      ],
    },
    /heads are not sorted/,
  ],
];
for (const [what, change, message] of malformed) {
  test(`a header with ${what} is refused`, t => {
    const header = canonical({ ...JSON.parse(HEADER_TEXT), ...change });
    t.throws(() => openEnvelope({ header, sig: SIG }), {
      message: new RegExp(`^\\[malformed\\] envelope ${message.source}`),
    });
  });
}
