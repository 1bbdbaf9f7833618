// RFC 8785 (JSON Canonicalization Scheme) vectors from the reference
// implementation's testdata (cyberphone/json-canonicalization, copied to
// test/vectors/rfc8785). Every signature and archive depends on this output
// being byte-identical, so the dependency behind `canonical` is pinned and
// checked here whenever it changes.
import test from '@endo/ses-ava/prepare-endo.js';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canonical } from '../../presence/envelope.js';

const VECTORS = fileURLToPath(new URL('../vectors/rfc8785/', import.meta.url));
const names = readdirSync(`${VECTORS}input`).filter(name => name.endsWith('.json'));

test('the vectors are all there', t => {
  t.deepEqual(names.sort(), [
    'arrays.json',
    'french.json',
    'structures.json',
    'unicode.json',
    'values.json',
    'weird.json',
  ]);
});

for (const name of names) {
  test(`canonical JSON of ${name} is byte-identical to RFC 8785's`, t => {
    const input = JSON.parse(readFileSync(`${VECTORS}input/${name}`, 'utf8'));
    // The expected files are the exact UTF-8 bytes, without a final newline.
    const expected = readFileSync(`${VECTORS}output/${name}`);
    t.deepEqual(Buffer.from(canonical(input), 'utf8'), expected);
  });
}

test('values RFC 8785 cannot encode are refused', t => {
  t.throws(() => canonical({ n: Number.NaN }));
  t.throws(() => canonical([Number.POSITIVE_INFINITY]));
  t.throws(() => canonical({ s: '\ud800' }), { message: /surrogate/i });
  t.throws(() => canonical(undefined), { message: /\[malformed\]/ });
});
