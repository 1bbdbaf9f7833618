// captp-transport/error-code.ts: Stoa errors carry a stable code as a
// `[code]` prefix of the message, the only part of an Error that survives
// marshal (cause, custom fields and an enumerable `code` do not); callers
// branch on it with this.

/** The `[code]` an error message starts with, or undefined. */
export const errorCode = (error: unknown): string | undefined => {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return /^\[([a-z0-9-]+)\]/.exec(message)?.[1];
};
harden(errorCode);

const CODE_PREFIX = /^\[[a-z0-9-]+\] /;

/** An error's message without its `[code] ` prefix: the sentence, to quote inside another. */
export const errorSentence = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(CODE_PREFIX, '');
harden(errorSentence);

/** The same error message with where it happened after its code: `[code] where: sentence`. */
export const errorAt = (error: unknown, where: string): Error => {
  const code = errorCode(error);
  return Error(`${code ? `[${code}] ` : ''}${where}: ${errorSentence(error)}`);
};
harden(errorAt);
