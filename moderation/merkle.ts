// moderation/merkle.ts: the moderation archive's Merkle log
// hashing and proofs, exactly RFC 9162 §2.1 (as RFC 6962):
//   leaf = SHA-256(0x00 ‖ entry)      node = SHA-256(0x01 ‖ left ‖ right)
// MTH, PATH (inclusion) and PROOF/SUBPROOF (consistency) over a list of leaf
// hashes, and the verification algorithms of §2.1.3.2 and §2.1.4.2.
// Verifiers are strict where RFC 9162 leaves room (as transparency-dev's test
// vectors in test/vectors/rfc9162 require): hashes are 32 bytes, sizes are
// safe integers, and a consistency proof from the empty tree is refused as
// proving nothing.
import { createHash } from 'node:crypto';

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};
const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

export const leafHash = (entry: Uint8Array): Buffer => sha256(LEAF, entry);
harden(leafHash);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE, left, right);
harden(nodeHash);
export const EMPTY_ROOT = sha256();

/** The largest power of two smaller than n (n > 1). */
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

/** MTH of leaves[lo, hi). */
export const rootOf = (leaves: readonly Uint8Array[], lo = 0, hi = leaves.length): Buffer => {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return Buffer.from(leaves[lo]!);
  const k = split(n);
  return nodeHash(rootOf(leaves, lo, lo + k), rootOf(leaves, lo + k, hi));
};
harden(rootOf);

/** PATH(m, D[0:size]): the inclusion proof of leaf `index` in the tree of the first `size` leaves. */
export const inclusionProof = (
  leaves: readonly Uint8Array[],
  index: number,
  size = leaves.length,
): Buffer[] => {
  if (!(index >= 0 && index < size && size <= leaves.length))
    throw RangeError(`no leaf ${index} in a tree of ${size}`);
  const path = (m: number, lo: number, hi: number): Buffer[] => {
    const n = hi - lo;
    if (n === 1) return [];
    const k = split(n);
    return m < k
      ? [...path(m, lo, lo + k), rootOf(leaves, lo + k, hi)]
      : [...path(m - k, lo + k, hi), rootOf(leaves, lo, lo + k)];
  };
  return path(index, 0, size);
};
harden(inclusionProof);

/** PROOF(size1, D[0:size2]): that the tree of size1 leaves is a prefix of the tree of size2. */
export const consistencyProof = (
  leaves: readonly Uint8Array[],
  size1: number,
  size2 = leaves.length,
): Buffer[] => {
  if (!(size1 > 0 && size1 <= size2 && size2 <= leaves.length))
    throw RangeError(`no consistency proof from ${size1} to ${size2}`);
  const subproof = (m: number, lo: number, hi: number, whole: boolean): Buffer[] => {
    const n = hi - lo;
    if (m === n) return whole ? [] : [rootOf(leaves, lo, hi)];
    const k = split(n);
    return m <= k
      ? [...subproof(m, lo, lo + k, whole), rootOf(leaves, lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), rootOf(leaves, lo, lo + k)];
  };
  return subproof(size1, 0, size2, true);
};
harden(consistencyProof);

const isHash = (h: Uint8Array) => h.length === 32;
const isSize = (n: number) => Number.isSafeInteger(n) && n >= 0;
const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** RFC 9162 §2.1.3.2. Throws `[bad-proof] …` saying why, if the proof fails. */
export const verifyInclusion = (
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void => {
  const fail = (why: string): never => {
    throw Error(`[bad-proof] inclusion of leaf ${index} in a tree of ${size}: ${why}`);
  };
  if (!isSize(index) || !isSize(size)) fail('sizes must be safe integers');
  if (index >= size) fail('the leaf is not in the tree');
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) fail('hashes must be 32 bytes');
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) fail('the proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) fail('the proof is too short');
  if (!equal(r, root)) fail('the proof does not lead to the root');
};
harden(verifyInclusion);

/** RFC 9162 §2.1.4.2. Throws `[bad-proof] …` saying why, if the proof fails. */
export const verifyConsistency = (
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void => {
  const fail = (why: string): never => {
    throw Error(`[bad-proof] consistency of a tree of ${size1} with a tree of ${size2}: ${why}`);
  };
  if (!isSize(size1) || !isSize(size2)) fail('sizes must be safe integers');
  if (size2 < size1) fail('the second tree is smaller');
  if (size1 === 0) fail('a proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length > 0) fail('equal sizes need an empty proof');
    if (!equal(root1, root2)) fail('equal sizes, different roots');
    return;
  }
  if (proof.length === 0) fail('the proof is empty');
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) fail('hashes must be 32 bytes');
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) fail('the proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) fail('the proof is too short');
  if (!equal(fr, root1)) fail('the proof does not lead to the first root');
  if (!equal(sr, root2)) fail('the proof does not lead to the second root');
};
harden(verifyConsistency);
