// Generated variants of a valid document, for fuzzing decoders. A document's
// JSON is mutated at a random path (a field replaced by any JSON value,
// deleted, or one added) and signed again with the right key, so the variant
// gets past the signature and reaches the field checks; the wrapper itself is
// also replaced by arbitrary values now and then.
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import fc from 'fast-check';
import { vatIdFromRawKey } from '../../captp-transport/vat-id.js';
import { canonical } from '../../presence/envelope.js';

/** A throwaway signer: its VatId and a vat-style sign function. */
export const makeSigner = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    id: vatIdFromRawKey(raw),
    sign: (message: Uint8Array) => new Uint8Array(edSign(null, message, privateKey)),
  };
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const DELETE = Symbol('delete');

const at = (value: Json, path: readonly number[], replacement: Json | typeof DELETE): Json => {
  if (path.length === 0 || value === null || typeof value !== 'object') {
    return replacement === DELETE ? null : replacement;
  }
  const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
  if (keys.length === 0) return replacement === DELETE ? value : replacement;
  const key = keys[path[0]! % keys.length]!;
  const copy: Record<string, Json> | Json[] = Array.isArray(value) ? [...value] : { ...value };
  if (path.length === 1 && replacement === DELETE) {
    if (Array.isArray(copy)) copy.splice(Number(key), 1);
    else delete copy[key];
    return copy;
  }
  // defineProperty, not assignment: under lockdown, assigning a key such as
  // `valueOf` (fast-check generates them) hits the frozen Object.prototype.
  Object.defineProperty(copy, key, {
    value: at((value as Record<string, Json>)[key]!, path.slice(1), replacement),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
};

/**
 * Any JSON value. Built here rather than with fc.jsonValue: fast-check makes
 * objects by assignment, which throws under lockdown for keys that
 * Object.prototype holds (`valueOf`, `toString`); those keys come from parsed
 * text instead, where JSON.parse defines them as own properties.
 */
const anyJson: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.string({ maxLength: 10 }).filter(key => !(key in Object.prototype)),
      tie('value'),
      { maxKeys: 4, noNullPrototype: true },
    ),
  ),
})).value;

/** JSON values biased to the edges decoders meet: wrong types, huge and odd numbers, long strings, prototype keys. */
export const edgyJson: fc.Arbitrary<Json> = fc.oneof(
  anyJson,
  fc.constantFrom<Json>(
    null,
    -1,
    0,
    1.5,
    2 ** 53,
    -(2 ** 53),
    1e308,
    '',
    '__proto__',
    'constructor',
    [],
    {},
  ),
  fc
    .constantFrom(
      '{"__proto__":{"x":1}}',
      '{"valueOf":1,"toString":"x"}',
      '{"constructor":{"prototype":1}}',
    )
    .map(text => JSON.parse(text) as Json),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

/** Variants of `base`: one to three mutations, each at a random path. */
export const mutations = (base: Json): fc.Arbitrary<Json> =>
  fc
    .array(
      fc.tuple(
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.oneof(edgyJson, fc.constant(DELETE as typeof DELETE)),
        fc.boolean(),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map(steps => {
      // A fresh, unfrozen copy each time: fast-check fails on frozen values.
      let doc = JSON.parse(JSON.stringify(base)) as Json;
      for (const [path, replacement, addKey] of steps) {
        doc =
          addKey && doc && typeof doc === 'object' && !Array.isArray(doc) && replacement !== DELETE
            ? { ...doc, [`x${path[0]}`]: replacement }
            : at(doc, path, replacement);
      }
      return doc;
    });

/** Signed variants of a document: `{ [field]: canonical(variant), sig }`, signed by `sign` under `domain`; plus arbitrary wrappers. */
export const signedVariants = (
  field: string,
  domain: string,
  base: Json,
  sign: (message: Uint8Array) => Uint8Array,
): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 8, arbitrary: mutations(base).map(doc => signed(field, domain, doc, sign)) },
    { weight: 1, arbitrary: edgyJson },
    {
      weight: 1,
      arbitrary: fc.record({
        [field]: fc.string({ maxLength: 100 }),
        sig: fc.string({ maxLength: 90 }),
      }),
    },
  );

export const signed = (
  field: string,
  domain: string,
  doc: Json,
  sign: (message: Uint8Array) => Uint8Array,
) => {
  const text = typeof doc === 'string' ? doc : canonical(doc);
  return {
    [field]: text,
    sig: Buffer.from(sign(Buffer.from(domain + text))).toString('base64url'),
  };
};
