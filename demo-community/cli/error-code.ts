// demo-community/cli/error-code.ts: an error message is `[code] sentence`;
// people read the sentence, scripts the code (`--json`). No harden here: the
// web pages' bundle shares it (dom.ts).
/** The `[code]` an error message starts with, and the sentence after it. */
export const splitCode = (message: string): { code?: string; sentence: string } => {
  const found = /^\[([a-z][a-z0-9-]*)\] ?/.exec(message);
  return found
    ? { code: found[1]!, sentence: message.slice(found[0].length) }
    : { sentence: message };
};
