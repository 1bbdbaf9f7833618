// Batches and replies are cut by what the frame limit counts: the UTF-8 bytes
// of the CapTP frame, after the wire has been JSON-escaped twice. Checked with
// generated content of every kind (quotes, controls, astral characters).
import test from '@endo/ses-ava/prepare-endo.js';
import { makeMarshal } from '@endo/marshal';
import type { Passable } from '@endo/pass-style';
import fc from 'fast-check';
import type { WireEnvelope } from '../../presence/envelope.js';
import { countWithin, encodedSize, newestWithin, oldestWithin } from '../../presence/wire-size.js';
import { assertProperty, fuzzOptions } from '../fuzz/fuzz-options.js';

const { serialize } = makeMarshal(undefined, undefined, { serializeBodyFormat: 'capdata' });

/** The bytes of the CTP_CALL frame that delivers `batch`, as the session sends it. */
const frameBytes = (batch: WireEnvelope[]) =>
  Buffer.byteLength(
    JSON.stringify({
      type: 'CTP_CALL',
      epoch: 0,
      questionID: 'q-123456',
      target: 'o-123456',
      method: serialize(harden(['deliver', [batch]]) as unknown as Passable),
    }),
    'utf8',
  );

const FRAME_OVERHEAD = 256;

const contentArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 4096 }),
  fc.constantFrom('"'.repeat(4096), '\\'.repeat(4096), '\u0001'.repeat(4096), '😀'.repeat(2048)),
);
const wireArb = fc.record(
  {
    header: fc.string({ unit: 'binary', maxLength: 600 }),
    sig: fc.string({ maxLength: 86 }),
    content: contentArb,
    salt: fc.string({ maxLength: 22 }),
  },
  { noNullPrototype: true },
);

test('a batch cut by encodedSize fits its byte budget in the real frame encoding', async t => {
  await assertProperty(
    fc.property(
      fc.array(wireArb, { minLength: 1, maxLength: 64 }),
      fc.integer({ min: 1024, max: 256 * 1024 }),
      (wires, budget) => {
        const n = countWithin(wires.map(encodedSize), budget, 64);
        const batch = wires.slice(0, n);
        const bytes = frameBytes(batch);
        // At least one goes; more than one only within the budget.
        if (n < 1) return false;
        if (n > 1 && bytes > budget + FRAME_OVERHEAD) return false;
        // encodedSize never under-counts what an envelope adds to a frame.
        return bytes <= batch.reduce((sum, w) => sum + encodedSize(w), FRAME_OVERHEAD);
      },
    ),
    fuzzOptions(60),
  );
  t.pass();
});

test('300 lines of 4,000 quotes go in batches that each fit a 1 MiB frame', t => {
  const wire = {
    header: 'h'.repeat(500),
    sig: 's'.repeat(86),
    content: '"'.repeat(4000),
    salt: 'x'.repeat(22),
  };
  const sizes = Array.from({ length: 300 }, () => encodedSize(wire));
  // 64 of them would be over 1 MiB: the count limit alone is not enough.
  t.true(frameBytes(Array(64).fill(wire)) > 1 << 20);
  let sent = 0;
  while (sent < sizes.length) {
    const n = countWithin(sizes.slice(sent), 256 * 1024, 64);
    t.true(frameBytes(Array(n).fill(wire)) <= 256 * 1024 + FRAME_OVERHEAD);
    sent += n;
  }
  t.is(sent, 300);
});

test('history replies keep the oldest that fit, recent replies the newest; one always goes', t => {
  const wires = Array.from({ length: 10 }, (_, i) => ({
    header: String(i),
    sig: 's',
    content: 'x'.repeat(1000),
  }));
  const one = encodedSize(wires[0]!);
  t.deepEqual(
    oldestWithin(wires, one * 3).map(w => w.header),
    ['0', '1', '2'],
  );
  t.deepEqual(
    newestWithin(wires, one * 3).map(w => w.header),
    ['7', '8', '9'],
  );
  t.is(oldestWithin(wires, 1).length, 1);
  t.is(newestWithin([], 1).length, 0);
});
