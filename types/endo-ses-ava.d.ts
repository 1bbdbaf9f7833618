// @endo/ses-ava ships no types for this entry: it re-exports ava's test, wrapped.
declare module '@endo/ses-ava/prepare-endo.js' {
  import test from 'ava';
  export default test;
}

// Its main entry: wrapTest, for a process that made its own lockdown.
declare module '@endo/ses-ava' {
  export function wrapTest<T>(test: T): T;
}
