// The delivery form of a v2 envelope (docs/protocol.md §5.14) against the
// vectors of test/vectors/envelope-v2 (computed from the specification by
// make-vectors.mjs with node:crypto alone), and what a receiver does with a
// reference it cannot resolve.
import test from '@endo/ses-ava/prepare-endo.js';
import { rawKeyOfVatId, type VatId } from '../../captp-transport/index.js';
import {
  deliveryItem,
  expandDeliveryItem,
  type HeldKnowledge,
} from '../../presence/delivery-form.js';
import { openEnvelope, PUBLIC, sealEnvelope, signatureHolds } from '../../presence/index.js';

import { signAsAlice, type Vector, vectors } from '../support/envelope-v2-vectors.js';

/** A receiver that holds exactly what a vector's header names (its prev, its heads), plus `extra`. */
const holding = (v: Vector, extra: Array<[VatId, string, number, string]> = []): HeldKnowledge => {
  const { fields } = v;
  const stream = fields.to ?? PUBLIC;
  const held: Array<[VatId, string, number, string]> = [
    ...(fields.seq > 1 ? [[fields.author, stream, fields.seq - 1, fields.prev] as const] : []),
    ...fields.heads.map(([author, seq, id]) => [author, PUBLIC, seq, id] as const),
    ...extra,
  ].map(h => [...h]);
  return {
    idsAt: (author, s, seq) =>
      held.filter(h => h[0] === author && h[1] === s && h[2] === seq).map(h => h[3]),
    publicAuthors: () => new Set(held.filter(h => h[1] === PUBLIC).map(h => h[0])),
  };
};
const contextOf = (v: Vector, known = holding(v)) => ({
  sender: v.delivery.sender,
  receiver: v.delivery.receiver,
  room: v.fields.room,
  known,
});

for (const v of vectors) {
  test(`${v.name}: the author's delivery form is the vector's, byte for byte`, t => {
    const { v: _v, body: _body, ...fields } = v.fields;
    const sealed = sealEnvelope(fields, v.content, signAsAlice, { salt: v.salt });
    t.is(deliveryItem(sealed), v.delivery.item);
  });

  test(`${v.name}: the receiver rebuilds the envelope, id and signature included`, t => {
    const expanded = expandDeliveryItem(v.delivery.item, contextOf(v));
    if (!('wire' in expanded)) return t.fail(`unresolved: ${expanded.unresolved.what}`);
    t.deepEqual(expanded.wire, v.wire);
    const envelope = openEnvelope(expanded.wire);
    t.is(envelope.id, v.id);
    t.deepEqual(envelope.header, v.fields);
    t.true(signatureHolds(envelope));
  });
}

const [first, second, whisper] = vectors as [Vector, Vector, Vector];

test("a first line's delivery form has a 22-character header, a sixth of its record's 122", t => {
  t.is(first.delivery.item.split('.')[0]!.length, 22);
  t.is(first.wire.header.length, 122);
});

test('content with dots stays whole: only the first three dots separate', t => {
  const { v: _v, body: _body, ...fields } = first.fields;
  const content = 'a.b..c.';
  const sealed = sealEnvelope(fields, content, signAsAlice);
  const expanded = expandDeliveryItem(deliveryItem(sealed)!, contextOf(first));
  if (!('wire' in expanded)) return t.fail('unresolved');
  t.is(expanded.wire.content, content);
  t.true(signatureHolds(openEnvelope(expanded.wire)));
});

test('a whisper is rebuilt to the receiver; to anyone else it would not verify', t => {
  const expanded = expandDeliveryItem(whisper.delivery.item, {
    ...contextOf(whisper),
    receiver: first.delivery.sender, // alice, not bob
  });
  if (!('wire' in expanded)) return t.fail('unresolved');
  t.false(signatureHolds(openEnvelope(expanded.wire)));
});

/** The key an unresolved head waits on: its author's key reference and its seq. */
const headAwaits = ([author, seq]: [VatId, number, string]) =>
  `${Buffer.from(rawKeyOfVatId(author).subarray(0, 4)).toString('hex')}|${seq}`;

test('a prev or head the receiver does not hold is unresolved, naming which and what it awaits', t => {
  const none: HeldKnowledge = { idsAt: () => [], publicAuthors: () => [] };
  t.deepEqual(expandDeliveryItem(second.delivery.item, contextOf(second, none)), {
    unresolved: { stream: PUBLIC, seq: 2, what: 'prev', awaits: `${second.fields.author}|*|1` },
  });
  const { fields } = second;
  const onlyPrev: HeldKnowledge = {
    idsAt: (author, _s, seq) => (author === fields.author && seq === 1 ? [fields.prev] : []),
    publicAuthors: () => [fields.author],
  };
  t.deepEqual(expandDeliveryItem(second.delivery.item, contextOf(second, onlyPrev)), {
    unresolved: { stream: PUBLIC, seq: 2, what: 'head 1', awaits: headAwaits(fields.heads[0]!) },
  });
});

test('a reference that matches two held ids is not guessed at', t => {
  const { fields } = second;
  const [author, seq, id] = fields.heads[0]!;
  const twin = `${id.slice(0, 8)}${'0'.repeat(56)}`; // same first 4 bytes, another envelope (a fork)
  const known = holding(second, [[author, PUBLIC, seq, twin]]);
  t.deepEqual(expandDeliveryItem(second.delivery.item, contextOf(second, known)), {
    unresolved: { stream: PUBLIC, seq: 2, what: 'head 1', awaits: headAwaits(fields.heads[0]!) },
  });
});

test('a delivery form that is not one is malformed, with what is wrong', t => {
  const [form, ...rest] = second.delivery.item.split('.');
  const tail = rest.join('.');
  const bytes = Buffer.from(form!, 'base64url');
  const withForm = (b: Buffer) => `${b.toString('base64url')}.${tail}`;
  const refusals: Array<[string, RegExp]> = [
    ['no dots at all', /not form\.sig\.salt\.content/],
    [`${form}.${rest[0]}`, /not form\.sig\.salt\.content/],
    [`${form}=.${tail}`, /not base64url/],
    [withForm(Buffer.concat([Buffer.from([0x02]), bytes.subarray(1)])), /does not start with 0x82/],
    [withForm(Buffer.concat([bytes, Buffer.from([0])])), /bytes after its heads/],
    [withForm(bytes.subarray(0, bytes.length - 2)), /ends inside its head id/],
  ];
  for (const [item, why] of refusals)
    t.throws(() => expandDeliveryItem(item, contextOf(second)), { message: why }, item);
  const flagsAt = bytes.length - 19 - 1 - 1; // before the count and the heads (4 + 1 + 4 and 4 + 2 + 4 bytes)
  const badFlags = Buffer.from(bytes);
  badFlags[flagsAt] = 0x02;
  t.throws(() => expandDeliveryItem(withForm(badFlags), contextOf(second)), {
    message: /flags has unknown bits/,
  });
});
