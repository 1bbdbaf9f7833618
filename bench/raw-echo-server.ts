// The baseline for bench:rtt: a locked-down wss echo server with the same TLS
// 1.3 mutual authentication as a vat, and nothing else (no CapTP, no checks).
import '../vat/lockdown.js';
import { createServer } from 'node:https';
import { WebSocketServer } from 'ws';
import { tlsOptions } from '../captp-transport/credentials.js';
import { loadOrCreateIdentity } from '../vat/index.js';

const dataDir = process.argv[2]!;
const { credentials } = loadOrCreateIdentity(dataDir);
const server = createServer({ ...tlsOptions(credentials), requestCert: true });
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 1 << 20 });
wss.on('connection', ws =>
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(
    JSON.stringify({
      event: 'ready',
      port: typeof address === 'object' && address ? address.port : 0,
    }),
  );
});
process.once('SIGTERM', () => process.exit(0));
