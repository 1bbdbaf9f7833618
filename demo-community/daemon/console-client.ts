// demo-community/daemon/console-client.ts: how `stoa` commands talk to the
// running vat (see console-server.ts).
import { createConnection, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { consolePath } from './console-server.js';

/** Why the console socket could not be opened, as a sentence with the next step. */
const noVat = (dataDir: string, error: NodeJS.ErrnoException) => {
  const why =
    error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
      ? 'no vat is running there; start one with: stoa vat start --data DIR'
      : `its console socket cannot be opened (${error.code ?? error.message})`;
  return Error(`[no-vat] cannot reach the vat of ${dataDir}: ${why}`);
};

/**
 * The socket's lines. readline re-emits the socket's errors as its own (a
 * vat that stops mid-answer resets the socket); the socket's handler answers them.
 */
const lines = (socket: Socket) => createInterface({ input: socket }).on('error', () => {});

export const askVat = (
  dataDir: string,
  cmd: string,
  args: Record<string, unknown> = {},
): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const socket = createConnection(consolePath(dataDir));
    socket.on('error', (error: NodeJS.ErrnoException) => reject(noVat(dataDir, error)));
    socket.once('connect', () => {
      // A vat that stops before it answers closes the socket: no answer is coming.
      socket.once('close', () =>
        reject(Error(`[no-vat] the vat of ${dataDir} stopped before it answered`)),
      );
      lines(socket).once('line', line => {
        socket.end();
        const answer = JSON.parse(line) as { ok: boolean; result?: unknown; error?: string };
        if (answer.ok) resolve(answer.result);
        else reject(Error(answer.error));
      });
      socket.write(`${JSON.stringify({ cmd, args })}\n`);
    });
  });

/**
 * Opens a watching console command: `onEvent` gets each streamed event until
 * `close()` (or the vat ends it). Also returns `ask`, for commands sent on
 * their own connections meanwhile.
 */
export const watchVat = (
  dataDir: string,
  cmd: string,
  args: Record<string, unknown>,
  onEvent: (event: unknown) => void,
) =>
  new Promise<{ close(): void; ended: Promise<string | undefined> }>((resolve, reject) => {
    const socket = createConnection(consolePath(dataDir));
    socket.on('error', (error: NodeJS.ErrnoException) => reject(noVat(dataDir, error)));
    socket.once('connect', () => {
      let ended: (why: string | undefined) => void = () => {};
      const endedP = new Promise<string | undefined>(r => (ended = r));
      socket.once('close', () => ended(undefined));
      lines(socket).on('line', line => {
        const message = JSON.parse(line) as { event?: unknown; ok?: boolean; error?: string };
        if ('event' in message) onEvent(message.event);
        else ended(message.ok ? undefined : message.error);
      });
      socket.write(`${JSON.stringify({ cmd, args })}\n`);
      resolve({ close: () => socket.end(), ended: endedP });
    });
  });
