// captp-transport/debug-log.ts: diagnostics that stay silent unless asked for.
// `STOA_DEBUG=transport` (or `*`) prints them to stderr. captp's own handled
// rejections and marshal's "sent error" logging are routed here so a vat's
// console is not flooded by ordinary remote failures (both log by default).

const enabled = (topic: string): boolean => {
  const setting = process.env.STOA_DEBUG ?? '';
  return setting === '*' || setting.split(',').includes(topic);
};

export const debugLog = (topic: string, ...args: unknown[]): void => {
  if (enabled(topic)) console.error(`[stoa:${topic}]`, ...args);
};
harden(debugLog);
