// vat/export-table.ts: swissnum -> object. A named export keeps its swissnum in
// the store, so exporting the same name after a restart re-binds the object
// under the same sturdy ref (the object itself is the app's to rebuild).
// An export may instead be a maker of per-peer facets: each fetching vat gets
// the facet made for its authenticated VatId (made once per peer, then kept).
import type { VatId } from '../captp-transport/index.js';
import { makeSecret } from './sturdy-ref.js';
import type { VatStore } from './store.js';

/** Makes the facet a given peer gets when it fetches the sturdy ref. */
export type FacetMaker = (peer: VatId) => object;

export interface ExportTable {
  /** Exports `target`, returning its swissnum; a name makes the binding survive restarts. */
  add(target: object | FacetMaker, name?: string): string;
  /** What `peer` gets for `swissnum`, if anything. */
  lookup(swissnum: string, peer: VatId): object | undefined;
  /** Removes the export (and its name); true if there was one. */
  remove(swissnum: string): boolean;
  size(): number;
}

export const makeExportTable = (store: VatStore): ExportTable => {
  const bySwissnum = new Map<string, object | FacetMaker>();
  const facets = new Map<string, Map<VatId, object>>();
  const nameOf = new Map<string, string>();
  return harden({
    add(target: object | FacetMaker, name?: string) {
      let swissnum = name === undefined ? undefined : store.namedExport(name);
      if (swissnum === undefined) {
        swissnum = makeSecret();
        if (name !== undefined) store.bindNamedExport(name, swissnum);
      }
      bySwissnum.set(swissnum, target);
      facets.delete(swissnum);
      if (name !== undefined) nameOf.set(swissnum, name);
      return swissnum;
    },
    lookup(swissnum: string, peer: VatId) {
      const entry = bySwissnum.get(swissnum);
      if (typeof entry !== 'function') return entry;
      const made = facets.get(swissnum) ?? new Map<VatId, object>();
      facets.set(swissnum, made);
      if (!made.has(peer)) made.set(peer, entry(peer));
      return made.get(peer);
    },
    remove(swissnum: string) {
      const name = nameOf.get(swissnum);
      if (name !== undefined) {
        store.unbindNamedExport(name);
        nameOf.delete(swissnum);
      }
      facets.delete(swissnum);
      return bySwissnum.delete(swissnum);
    },
    size: () => bySwissnum.size,
  });
};
harden(makeExportTable);
