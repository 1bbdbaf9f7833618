// demo-community/web/ui/connection.ts: the page's line to its vat, a
// WebSocket beside the page (same token path). `ask` sends one command and
// resolves with its answer; `watch` streams a command's events on a socket of
// its own, so that stopping it (closing that socket) ends the watch. A lost
// line (the vat restarted, the laptop slept) is dialled again by itself, after
// 0.5 s doubling to 10 s, for as long as the page is open: the page's address
// outlives a restart, so the same socket comes back.
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
  /** Called when the line to the vat is lost; asks fail until it is back. */
  onLost(listener: () => void): void;
  /** Called each time the line is back after a loss: watches ended with it, so the page starts them again. */
  onBack(listener: () => void): void;
}

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

export const connect = async (): Promise<Connection> => {
  let main = await open();
  let next = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const lost: Array<() => void> = [];
  const back: Array<() => void> = [];
  const onMessage = (message: MessageEvent) => {
    const reply = JSON.parse(String(message.data)) as Reply;
    const waiting = reply.id === null ? undefined : pending.get(reply.id);
    if (!waiting || 'event' in reply) return;
    pending.delete(reply.id!);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new Error(reply.error ?? 'failed'));
  };
  const redial = async () => {
    for (let wait = RETRY_FIRST_MS; ; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      await new Promise(resolve => setTimeout(resolve, wait));
      const ws = await open().catch(() => undefined);
      if (ws) return attach(ws);
    }
  };
  const attach = (ws: WebSocket) => {
    main = ws;
    ws.onmessage = onMessage;
    ws.onclose = () => {
      for (const { reject } of pending.values())
        reject(new Error('[no-vat] the line to your vat closed'));
      pending.clear();
      for (const listener of lost) listener();
      void redial().then(() => {
        for (const listener of back) listener();
      });
    };
  };
  attach(main);
  return {
    ask: <T>(cmd: string, args: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        if (main.readyState !== WebSocket.OPEN)
          return reject(new Error('[no-vat] the line to your vat is down; reconnecting'));
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
    onBack: listener => void back.push(listener),
  };
};
