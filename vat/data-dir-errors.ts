// vat/data-dir-errors.ts: the next step a person can take when the data
// directory will not open, from the error the file system or SQLite gave.
// Startup never repairs or overwrites anything by itself.

/** What the person starting the vat can do about a store that will not open. */
export const nextStep = (error: NodeJS.ErrnoException): string => {
  const what = `${error.code ?? ''} ${error.message}`;
  if (/EROFS|EACCES|EPERM|readonly/i.test(what))
    return 'The data directory is read-only: a vat writes its store there. Mount it read-write, or start with another --data.';
  if (/ENOSPC|SQLITE_FULL|disk I\/O|database or disk is full/i.test(what))
    return 'The disk is full or failing: free some space and start again. Nothing was changed.';
  if (/not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(what))
    return 'vat.db is damaged or not a Stoa store, and was left as it is: restore it from a backup, or move it aside to start with an empty store (the identity stays).';
  return 'Check that the data directory is the one you meant and that its disk is healthy.';
};

harden(nextStep);
