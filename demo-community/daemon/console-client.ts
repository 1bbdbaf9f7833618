// demo-community/daemon/console-client.ts: how `stoa` commands talk to the
// running vat (see console-server.ts).
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';
import { consolePath } from './console-server.js';

export const askVat = (dataDir: string, cmd: string, args: Record<string, unknown> = {}): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const socket = createConnection(consolePath(dataDir));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? 'no vat is running there; start one with: stoa vat start --data DIR' : error.code ?? error.message;
      reject(Error(`[no-vat] cannot reach the vat of ${dataDir}: ${why}`));
    });
    socket.once('connect', () => {
      // Read only once connected: readline re-emits a socket's connect error as its own.
      createInterface({ input: socket }).once('line', line => {
        socket.end();
        const answer = JSON.parse(line) as { ok: boolean; result?: unknown; error?: string };
        if (answer.ok) resolve(answer.result);
        else reject(Error(answer.error));
      });
      socket.write(`${JSON.stringify({ cmd, args })}\n`);
    });
  });
