// The archive's Merkle log against RFC 9162 / RFC 6962 test vectors
// (transparency-dev/merkle testdata, copied to test/vectors/rfc9162).
import test from '@endo/ses-ava/prepare-endo.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../moderation/merkle.js';

const VECTORS = fileURLToPath(new URL('../vectors/rfc9162/', import.meta.url));
const b64 = (s: string) => Buffer.from(s, 'base64');
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

const roots = read(join(VECTORS, 'tree-roots.json')) as {
  leafInputsHex: string[];
  rootHexBySize: string[];
};
const leaves = roots.leafInputsHex.map(hex => leafHash(Buffer.from(hex, 'hex')));

test('tree roots for 0 to 8 leaves match the RFC 6962 vectors', t => {
  t.deepEqual(
    roots.rootHexBySize.map((_, n) => rootOf(leaves, 0, n).toString('hex')),
    roots.rootHexBySize,
  );
});

for (const path of walk(join(VECTORS, 'inclusion')).sort()) {
  const v = read(path);
  test(`inclusion vector ${path.slice(VECTORS.length)}: ${v.desc}`, t => {
    const check = () =>
      verifyInclusion(
        b64(v.leafHash),
        v.leafIdx,
        v.treeSize,
        (v.proof ?? []).map(b64),
        b64(v.root),
      );
    if (v.wantErr) t.throws(check, { message: /^\[bad-proof\] / });
    else t.notThrows(check);
  });
}

for (const path of walk(join(VECTORS, 'consistency')).sort()) {
  const v = read(path);
  test(`consistency vector ${path.slice(VECTORS.length)}: ${v.desc}`, t => {
    const check = () =>
      verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    if (v.wantErr) t.throws(check, { message: /^\[bad-proof\] / });
    else t.notThrows(check);
  });
}

test("the proofs we make are the vectors' happy paths, and verify for every size and index", t => {
  const inclusion = read(join(VECTORS, 'inclusion/1/happy-path.json'));
  t.deepEqual(
    inclusionProof(leaves, inclusion.leafIdx, inclusion.treeSize).map(h => h.toString('base64')),
    inclusion.proof,
  );
  const consistency = read(join(VECTORS, 'consistency/1/happy-path.json'));
  t.deepEqual(
    consistencyProof(leaves, consistency.size1, consistency.size2).map(h => h.toString('base64')),
    consistency.proof,
  );
  const many = Array.from({ length: 37 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
  for (let size = 1; size <= many.length; size += 1) {
    const root = rootOf(many, 0, size);
    for (let index = 0; index < size; index += 1)
      verifyInclusion(many[index]!, index, size, inclusionProof(many, index, size), root);
    for (let size1 = 1; size1 <= size; size1 += 1)
      verifyConsistency(
        size1,
        size,
        consistencyProof(many, size1, size),
        rootOf(many, 0, size1),
        root,
      );
  }
  t.pass();
});
