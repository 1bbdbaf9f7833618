// A dialing vat sends its frames with a zero mask key (docs/protocol.md §2.4):
// inside end-to-end TLS masking guards no proxy, and ws skips the XOR for it.
import test from '@endo/ses-ava/prepare-endo.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Fail } from '@endo/errors';
import { dialCandidates } from '../../captp-transport/dial-candidates.js';
import { DEFAULT_LIMITS } from '../../captp-transport/limits.js';
import { listen } from '../../captp-transport/listener.js';
import { loadOrCreateIdentity } from '../../vat/identity.js';

test('a dialer masks its frames with a zero key, and the listener reads them', async t => {
  const root = mkdtempSync(join(tmpdir(), 'stoa-mask-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const server = loadOrCreateIdentity(join(root, 'server')).credentials;
  const client = loadOrCreateIdentity(join(root, 'client')).credentials;
  let resolveSeen: (seen: { wire: Buffer; text: string }) => void = () => {};
  const seen = new Promise<{ wire: Buffer; text: string }>(resolve => {
    resolveSeen = resolve;
  });
  const listener = await listen({
    credentials: server,
    host: '127.0.0.1',
    port: 0,
    limits: DEFAULT_LIMITS,
    admit: () => ({ admit: true }),
    onConnection: ws => {
      // The TLS socket's decrypted bytes, as ws reads them: the frame itself.
      const socket = (ws as unknown as { _socket: TLSSocket })._socket;
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      // ws reads the chunk before this listener does: look once both have.
      ws.on('message', data =>
        queueMicrotask(() =>
          resolveSeen({ wire: Buffer.concat(chunks), text: (data as Buffer).toString('utf8') }),
        ),
      );
    },
  });
  t.teardown(() => listener.close());
  const { ws } = await dialCandidates(
    {
      credentials: client,
      limits: DEFAULT_LIMITS,
      sign: () => Fail`no relay is dialed here`,
      holePunching: false,
    },
    server.vatId,
    [{ via: 'direct', host: '127.0.0.1', port: listener.port }],
  );
  t.teardown(() => ws.close());
  ws.send('hello');
  const { wire, text } = await seen;
  t.is(text, 'hello');
  t.is(wire[0], 0x81, 'one final text frame');
  t.is(wire[1], 0x80 | 5, 'masked (as RFC 6455 requires of a client), five bytes');
  t.deepEqual([...wire.subarray(2, 6)], [0, 0, 0, 0], 'the mask key is zero');
  t.is(wire.subarray(6, 11).toString('utf8'), 'hello', 'so the payload is the text as is');
});
