// unum/quorum/exact-record.ts: a signed document's JSON text as a record with
// exactly the fields its format names, or the format's own refusal.
export const parseExactRecord = <T>(
  text: string,
  fields: readonly string[],
  bad: (why: string) => never,
  section: string,
): T => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad('is not an object');
  if (
    Object.keys(value as object)
      .sort()
      .join(',') !== [...fields].sort().join(',')
  )
    bad(`has other fields than ${section} names`);
  return value as T;
};
harden(parseExactRecord);
