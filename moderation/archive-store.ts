// moderation/archive-store.ts: where the archive's entries live.
// Append-only: entries are never updated or deleted. Each backend (SQLite by
// default, PostgreSQL for larger operators) commits an append durably before
// it resolves, so a receipt is never given for an entry a crash could lose.

export interface StoredEntry {
  index: number;
  kind: string;
  /** Canonical JSON of the entry's body. */
  body: string;
  /** The RFC 9162 leaf hash of the entry (hex). */
  leaf: string;
  createdAt: number;
}

export interface ArchiveStore {
  /** Appends at `index` (which must be the current size); resolves once durable. */
  append(entry: StoredEntry): Promise<void>;
  /** All leaf hashes in order (to rebuild the tree on start). */
  leaves(): Promise<string[]>;
  entry(index: number): Promise<StoredEntry | undefined>;
  /** Entries of a kind, newest first. */
  list(kind: string, limit: number): Promise<StoredEntry[]>;
  close(): Promise<void>;
}
