// vat/export-table.ts: swissnum -> object. A named export keeps its swissnum in
// the store, so exporting the same name after a restart re-binds the object
// under the same sturdy ref (the object itself is the app's to rebuild).
import { makeSecret } from './sturdy-ref.js';
import type { VatStore } from './store.js';

export interface ExportTable {
  /** Exports `target`, returning its swissnum; a name makes the binding survive restarts. */
  add(target: object, name?: string): string;
  lookup(swissnum: string): object | undefined;
  /** Removes the export (and its name); true if there was one. */
  remove(swissnum: string): boolean;
  size(): number;
}

export const makeExportTable = (store: VatStore): ExportTable => {
  const bySwissnum = new Map<string, object>();
  const nameOf = new Map<string, string>();
  return harden({
    add(target: object, name?: string) {
      let swissnum = name === undefined ? undefined : store.namedExport(name);
      if (swissnum === undefined) {
        swissnum = makeSecret();
        if (name !== undefined) store.bindNamedExport(name, swissnum);
      }
      bySwissnum.set(swissnum, target);
      if (name !== undefined) nameOf.set(swissnum, name);
      return swissnum;
    },
    lookup: (swissnum: string) => bySwissnum.get(swissnum),
    remove(swissnum: string) {
      const name = nameOf.get(swissnum);
      if (name !== undefined) {
        store.unbindNamedExport(name);
        nameOf.delete(swissnum);
      }
      return bySwissnum.delete(swissnum);
    },
    size: () => bySwissnum.size,
  });
};
harden(makeExportTable);
