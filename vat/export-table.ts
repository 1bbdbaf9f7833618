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
  /** Exports `target` (or a maker of per-peer facets), returning its swissnum; a name makes the binding survive restarts. */
  add(entry: { target: object } | { make: FacetMaker }, name?: string): string;
  /** What `peer` gets for `swissnum`, if anything. */
  lookup(swissnum: string, peer: VatId): object | undefined;
  /** Removes the export (and its name); true if there was one. */
  remove(swissnum: string): boolean;
  size(): number;
}

/**
 * `maxFacetsPerExport` bounds the per-peer facets kept for one export; past
 * it the oldest is forgotten (that peer gets a new one if it fetches again).
 */
export const makeExportTable = (store: VatStore, maxFacetsPerExport = 10_000): ExportTable => {
  // Tagged, not told apart by typeof: a Far function is an object to export too.
  const bySwissnum = new Map<string, { target: object } | { make: FacetMaker }>();
  const facets = new Map<string, Map<VatId, object>>();
  const nameOf = new Map<string, string>();
  return harden({
    add(entry: { target: object } | { make: FacetMaker }, name?: string) {
      let swissnum = name === undefined ? undefined : store.namedExport(name);
      if (swissnum === undefined) {
        swissnum = makeSecret();
        if (name !== undefined) store.bindNamedExport(name, swissnum);
      }
      bySwissnum.set(swissnum, entry);
      facets.delete(swissnum);
      if (name !== undefined) nameOf.set(swissnum, name);
      return swissnum;
    },
    lookup(swissnum: string, peer: VatId) {
      const entry = bySwissnum.get(swissnum);
      if (entry === undefined || 'target' in entry) return entry?.target;
      const made = facets.get(swissnum) ?? new Map<VatId, object>();
      facets.set(swissnum, made);
      let facet = made.get(peer);
      if (facet === undefined) {
        facet = entry.make(peer);
        if (made.size >= maxFacetsPerExport) made.delete(made.keys().next().value as VatId);
        made.set(peer, facet);
      }
      return facet;
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
