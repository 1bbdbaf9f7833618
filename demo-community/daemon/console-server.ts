// demo-community/daemon/console-server.ts: the running vat's local command
// channel. `stoa vat start` listens on DATA/console.sock, a Unix socket only
// its owner can open (mode 0600 in an owner-only folder), so other `stoa`
// commands act through the one running vat instead of starting a second one
// on the same identity. One JSON request per line, one JSON answer per line:
//   → {"cmd":"rooms"}        ← {"ok":true,"result":…} | {"ok":false,"error":"[code] …"}
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * A console command. `stream` sends extra lines (`{"event":…}`) before the
 * answer, for commands that watch; `closed` resolves when the client hangs up.
 */
export type Handler = (
  args: Record<string, unknown>,
  stream: (event: unknown) => void,
  closed: Promise<void>,
) => Promise<unknown>;

export const consolePath = (dataDir: string) => join(dataDir, 'console.sock');

/** Runs one command; every failure becomes `{ ok: false, error }` (the console and the web page share this). */
export const answer = async (
  handlers: Record<string, Handler>,
  cmd: string,
  args: Record<string, unknown>,
  stream: (event: unknown) => void,
  closed: Promise<void>,
): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> => {
  try {
    const handler = Object.hasOwn(handlers, cmd) ? handlers[cmd] : undefined;
    if (!handler)
      throw Error(`[unknown-command] the vat has no command ${JSON.stringify(cmd.slice(0, 40))}`);
    return { ok: true, result: await handler(args, stream, closed) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
};

/** A command as a client sends it, or why it is none (not JSON, or JSON that is not an object). */
export const readRequest = (
  text: string,
): { id: unknown; cmd: string; args: Record<string, unknown> } | { error: string } => {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    return { error: '[bad-request] not JSON' };
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { error: '[bad-request] a request is a JSON object: {"cmd": …, "args": {…}}' };
  }
  const { id, cmd, args } = request as { id?: unknown; cmd?: unknown; args?: unknown };
  // Never String(cmd): a peer's object can carry its own toString.
  if (typeof cmd !== 'string')
    return { error: '[bad-request] "cmd" is the name of a command (a string)' };
  return {
    id,
    cmd,
    args:
      args && typeof args === 'object' && !Array.isArray(args)
        ? (args as Record<string, unknown>)
        : {},
  };
};
harden(readRequest);

export const serveConsole = async (
  dataDir: string,
  handlers: Record<string, Handler>,
): Promise<Server> => {
  const path = consolePath(dataDir);
  // Only one vat runs per data directory (vat.lock), so a socket file here is a leftover.
  if (existsSync(path)) unlinkSync(path);
  const server = createServer(socket => {
    socket.on('error', () => {});
    const closed = new Promise<void>(resolve => socket.once('close', () => resolve()));
    const stream = (event: unknown) => {
      if (socket.writable) socket.write(`${JSON.stringify({ event })}\n`);
    };
    createInterface({ input: socket }).on('line', async line => {
      const request = readRequest(line);
      const reply =
        'error' in request
          ? { ok: false, error: request.error }
          : await answer(handlers, request.cmd, request.args, stream, closed);
      if (socket.writable) socket.write(`${JSON.stringify(reply)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
};
