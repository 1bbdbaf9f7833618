// demo-community/web/ui/connection.ts: the page's line to its vat, a
// WebSocket beside the page (same token path). `ask` sends one command and
// resolves with its answer; `watch` streams a command's events on a socket of
// its own, so that stopping it (closing that socket) ends the watch.
type Reply = { id: number | null; ok?: boolean; result?: unknown; error?: string; event?: unknown };

const socketUrl = () => new URL('ws', location.href.replace(/^http/, 'ws').split('#')[0]).href;

const open = () =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(socketUrl());
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error('[no-vat] cannot reach your vat: is it still running?'));
  });

export interface Connection {
  ask<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Calls `onEvent` for each event until `stop()`; `ended` settles when the vat ends the watch or the socket closes. */
  watch(
    cmd: string,
    args: Record<string, unknown>,
    // biome-ignore lint/suspicious/noExplicitAny: each watch streams its own event shape; the page narrows it
    onEvent: (event: any) => void,
  ): Promise<{ stop(): void; ended: Promise<string | undefined> }>;
  /** Called when the line to the vat is lost. */
  onLost(listener: () => void): void;
}

export const connect = async (): Promise<Connection> => {
  const main = await open();
  let next = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const lost: Array<() => void> = [];
  main.onmessage = message => {
    const reply = JSON.parse(String(message.data)) as Reply;
    const waiting = reply.id === null ? undefined : pending.get(reply.id);
    if (!waiting || 'event' in reply) return;
    pending.delete(reply.id!);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new Error(reply.error ?? 'failed'));
  };
  main.onclose = () => {
    for (const { reject } of pending.values())
      reject(new Error('[no-vat] the line to your vat closed'));
    pending.clear();
    for (const listener of lost) listener();
  };
  return {
    ask: <T>(cmd: string, args: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        main.send(JSON.stringify({ id, cmd, args }));
      }),
    async watch(cmd, args, onEvent) {
      const ws = await open();
      let end: (why: string | undefined) => void = () => {};
      const ended = new Promise<string | undefined>(resolve => (end = resolve));
      ws.onmessage = message => {
        const reply = JSON.parse(String(message.data)) as Reply;
        if ('event' in reply) onEvent(reply.event);
        else end(reply.ok ? undefined : reply.error);
      };
      ws.onclose = () => end(undefined);
      ws.send(JSON.stringify({ id: 1, cmd, args }));
      return { stop: () => ws.close(), ended };
    },
    onLost: listener => void lost.push(listener),
  };
};
