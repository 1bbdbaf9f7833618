// moderation/archive.ts: the append-only, tamper-evident
// archive (docs/protocol.md §6): entries (report received, verdict, context added,
// auditor action, ruleset change, auditor granted or revoked) are leaves of an
// RFC 9162 Merkle log whose checkpoints the operator signs. Appends are one at
// a time; each resolves, once durable, with a receipt: the signed checkpoint
// that covers the entry and the entry's inclusion proof.
//   leaf = SHA-256(0x00 ‖ "stoa/archive/v1\n" ‖ canonical({ kind, body }))
import { canonical } from '../presence/index.js';
import type { VatId } from '../captp-transport/index.js';
import type { ArchiveStore, StoredEntry } from './archive-store.js';
import {
  openCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type SignedCheckpoint,
} from './checkpoint.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

export const ENTRY_DOMAIN = 'stoa/archive/v1\n';

export type EntryKind =
  | 'report'
  | 'verdict'
  | 'context'
  | 'action'
  | 'dismiss'
  | 'ruleset'
  | 'auditor-granted'
  | 'auditor-revoked';

export interface Receipt {
  index: number;
  /** Hex leaf hash of the entry. */
  leaf: string;
  checkpoint: SignedCheckpoint;
  /** Hex hashes: the entry's inclusion proof in the checkpoint's tree. */
  proof: string[];
}

export interface Archive {
  /** Appends durably, then answers with a receipt: the entry's index, a signed checkpoint and the inclusion proof. */
  append(kind: EntryKind, body: unknown): Promise<Receipt>;
  /** A signed checkpoint of the whole log now. */
  checkpoint(): SignedCheckpoint;
  /** Entries in the log. */
  size(): number;
  /** One entry, checked against its leaf hash (tampering is an error). */
  entry(index: number): Promise<StoredEntry | undefined>;
  /** The newest entries of one kind. */
  list(kind: EntryKind, limit?: number): Promise<StoredEntry[]>;
  /** Hex consistency proof from the tree of `size1` to the current one. */
  consistency(size1: number): string[];
  /** Closes the store. */
  close(): Promise<void>;
}

export const entryLeaf = (kind: string, body: unknown): Buffer =>
  leafHash(Buffer.from(ENTRY_DOMAIN + canonical({ kind, body }), 'utf8'));
harden(entryLeaf);

export const openArchive = async (
  store: ArchiveStore,
  signer: { id: VatId; sign(message: Uint8Array): Uint8Array },
  log = 'moderation',
): Promise<Archive> => {
  const leaves: Buffer[] = (await store.leaves()).map(hex => Buffer.from(hex, 'hex'));
  // Bodies are checked against their leaves as they are read: an edited row is caught.
  const checked = async (entry: StoredEntry | undefined) => {
    if (
      entry &&
      entryLeaf(entry.kind, JSON.parse(entry.body)).toString('hex') !==
        leaves[entry.index]?.toString('hex')
    ) {
      throw Error(`[tampered] archive entry ${entry.index} does not match its leaf in the log`);
    }
    return entry;
  };
  let tail: Promise<unknown> = Promise.resolve();
  const sign = (size: number) =>
    signCheckpoint(
      {
        v: 1,
        log,
        operator: signer.id,
        size,
        root: rootOf(leaves, 0, size).toString('hex'),
        ts: Date.now(),
      },
      m => signer.sign(m),
    );

  const append = (kind: EntryKind, body: unknown): Promise<Receipt> => {
    const run = tail.then(async () => {
      const text = canonical(body);
      const leaf = entryLeaf(kind, JSON.parse(text));
      const index = leaves.length;
      await store.append({
        index,
        kind,
        body: text,
        leaf: leaf.toString('hex'),
        createdAt: Date.now(),
      });
      leaves.push(leaf);
      return harden({
        index,
        leaf: leaf.toString('hex'),
        checkpoint: sign(leaves.length),
        proof: inclusionProof(leaves, index).map(h => h.toString('hex')),
      });
    });
    tail = run.catch(() => undefined);
    return run;
  };

  return harden({
    append,
    checkpoint: () => sign(leaves.length),
    size: () => leaves.length,
    entry: async (index: number) => checked(await store.entry(index)),
    list: async (kind: EntryKind, limit = 100) =>
      Promise.all((await store.list(kind, limit)).map(checked)) as Promise<StoredEntry[]>,
    consistency: (size1: number) => consistencyProof(leaves, size1).map(h => h.toString('hex')),
    close: async () => {
      await tail;
      await store.close();
    },
  });
};
harden(openArchive);

/** Checks a receipt: the operator signed the checkpoint, and the entry's leaf is in its tree. Throws if not. */
export const verifyReceipt = (
  receipt: Receipt,
  operator: VatId,
  entry?: { kind: string; body: unknown },
): Checkpoint => {
  const r = receipt as Partial<Receipt> | null;
  if (
    typeof r !== 'object' ||
    r === null ||
    !Number.isSafeInteger(r.index) ||
    typeof r.leaf !== 'string' ||
    !/^[0-9a-f]{64}$/.test(r.leaf) ||
    !Array.isArray(r.proof) ||
    r.proof.length > 64 ||
    !r.proof.every(h => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
  )
    throw Error(
      '[bad-receipt] not a receipt: { index, leaf, checkpoint, proof } (docs/protocol.md §8)',
    );
  const checkpoint = openCheckpoint(receipt.checkpoint, operator);
  const leaf = Buffer.from(receipt.leaf, 'hex');
  if (entry && !entryLeaf(entry.kind, entry.body).equals(leaf))
    throw Error('[bad-receipt] the receipt is for another entry');
  verifyInclusion(
    leaf,
    receipt.index,
    checkpoint.size,
    receipt.proof.map(h => Buffer.from(h, 'hex')),
    Buffer.from(checkpoint.root, 'hex'),
  );
  return checkpoint;
};
harden(verifyReceipt);

/** Checks that the log behind `later` only grew since `earlier` (both signed by `operator`). Throws if not. */
export const verifyGrowth = (
  earlier: SignedCheckpoint,
  later: SignedCheckpoint,
  proof: string[],
  operator: VatId,
): void => {
  const [a, b] = [openCheckpoint(earlier, operator), openCheckpoint(later, operator)];
  if (a.log !== b.log) throw Error(`[bad-checkpoint] checkpoints of two logs (${a.log}, ${b.log})`);
  verifyConsistency(
    a.size,
    b.size,
    proof.map(h => Buffer.from(h, 'hex')),
    Buffer.from(a.root, 'hex'),
    Buffer.from(b.root, 'hex'),
  );
};
harden(verifyGrowth);
