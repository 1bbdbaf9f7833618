// Envelope v2 (docs/protocol.md §5.13) against vectors computed from the
// specification by test/vectors/envelope-v2/make-vectors.mjs, which uses
// node:crypto and none of Stoa's code.
import test from '@endo/ses-ava/prepare-endo.js';
import type { ExecutionContext } from 'ava';
import {
  contentMatches,
  openEnvelope,
  sealEnvelope,
  signatureHolds,
  withholdContent,
} from '../../presence/index.js';
import { signAsAlice, type Vector, vectors } from '../support/envelope-v2-vectors.js';

for (const v of vectors) {
  test(`${v.name}: opens to the vector's fields and id, and its signature holds`, t => {
    const envelope = openEnvelope(v.wire);
    t.deepEqual(envelope.header, v.fields);
    t.is(envelope.id, v.id);
    t.deepEqual(
      envelope.wire,
      { ...v.withheld, content: v.content, salt: v.salt },
      'kept with its whole header',
    );
    t.true(signatureHolds(envelope));
    t.true(contentMatches(envelope));
  });

  test(`${v.name}: sealing the fields gives the vector's whole form byte for byte`, t => {
    const { v: _v, body: _body, ...fields } = v.fields;
    const sealed = sealEnvelope(fields, v.content, signAsAlice, { salt: v.salt });
    t.deepEqual(sealed.wire, { ...v.withheld, content: v.content, salt: v.salt });
    t.is(sealed.id, v.id);
  });

  test(`${v.name}: withheld, it carries its body hash and still verifies under the same id`, t => {
    t.deepEqual(withholdContent(v.wire), v.withheld);
    const withheld = openEnvelope(v.withheld);
    t.is(withheld.id, v.id);
    t.true(signatureHolds(withheld));
    t.deepEqual(withheld.header, v.fields);
  });
}

const [first] = vectors as [Vector];
const bytes = () => Buffer.from(first.withheld.header, 'base64url');
const refused = (t: ExecutionContext, header: Buffer | string, why: RegExp) =>
  t.throws(
    () =>
      openEnvelope({
        header: typeof header === 'string' ? header : header.toString('base64url'),
        sig: first.wire.sig,
      }),
    { message: why },
  );

test('changed content no longer matches what the author signed', t => {
  const compact = openEnvelope({ ...first.wire, content: 'hello, world!' });
  t.not(compact.id, first.id, 'in the compact form the body is recomputed, so the id moves');
  t.false(signatureHolds(compact));
  const whole = openEnvelope({ ...first.withheld, content: 'hello, world!', salt: first.salt });
  t.is(whole.id, first.id, 'with the whole header the id stays');
  t.true(signatureHolds(whole));
  t.false(contentMatches(whole), 'and the content is caught as not what the body commits to');
});

test('v2 headers that are not the one encoding of their fields are refused', t => {
  refused(t, Buffer.concat([bytes(), Buffer.from([0])]), /bytes after its heads/);
  refused(t, bytes().subarray(0, 40), /ends inside/);
  const flags = bytes();
  flags[1 + 1 + 4 + 1 + 10 + 1 + 32 + 1 + 32 + 6] = 0x02; // the flags byte
  refused(t, flags, /unknown bits/);
  const padded = bytes();
  // epoch 2 written in two bytes (0x82 0x00) instead of one
  const at = 1 + 1 + 4 + 1 + 10;
  refused(
    t,
    Buffer.concat([padded.subarray(0, at), Buffer.from([0x82, 0x00]), padded.subarray(at + 1)]),
    /not minimally encoded/,
  );
  refused(t, `${first.withheld.header}=`, /neither JSON nor base64url/);
  refused(t, first.wire.header, /withholds its content and its body hash/);
  const v3 = bytes();
  v3[0] = 3;
  refused(t, v3, /version is not 2/);
});

test('a v1 envelope is still made on request and opens beside v2', t => {
  const { v: _v, body: _body, ...fields } = first.fields;
  const v1 = sealEnvelope(fields, first.content, signAsAlice, { version: 1, salt: first.salt });
  t.true(v1.wire.header.startsWith('{"author":'));
  t.is(v1.header.v, 1);
  t.true(signatureHolds(openEnvelope(v1.wire)));
  t.not(v1.id, first.id, 'the two versions sign different bytes');
});
