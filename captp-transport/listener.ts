// captp-transport/listener.ts: the wss:// endpoint of a vat. TLS 1.3 with a
// client certificate required; the dialer's VatId is read from that
// certificate before the WebSocket upgrade, so an unauthenticated client never
// reaches CapTP. `admit` may refuse an upgrade (the crossed-dial rule).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { vatIdOfCertificate } from './certificate.js';
import { tlsOptions, type Credentials } from './credentials.js';
import { debugLog } from './debug-log.js';
import { makeHandshakeGate } from './handshake-gate.js';
import type { TransportLimits } from './limits.js';
import type { VatId } from './vat-id.js';

export type Admission = { admit: true } | { admit: false; status: number; code: string };

export interface ListenerOptions {
  credentials: Credentials;
  host: string;
  port: number;
  limits: Readonly<TransportLimits>;
  /** Decides, before the upgrade, whether a connection from `peer` is wanted. */
  admit: (peer: VatId) => Admission;
  onConnection: (ws: WebSocket, peer: VatId) => void;
}

export interface Listener {
  /** `host:port` actually bound (port 0 picks one). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

const CLOSE_LINGER_MS = 500;

const refuse = (socket: Duplex, status: number, code: string) => {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${code}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  } else {
    socket.destroy();
  }
};

export const listen = async (opts: ListenerOptions): Promise<Listener> => {
  const { credentials, host, port, limits, admit, onConnection } = opts;
  const server: Server = createServer({
    ...tlsOptions(credentials),
    requestCert: true,
    handshakeTimeout: limits.handshakeTimeoutMs,
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
  });
  wss.on('error', error => debugLog('transport', 'ws server error', error.message));
  const gate = makeHandshakeGate(limits);
  server.on('connection', socket => gate.admit(socket as Socket));
  // The gate's timer covers TLS and the upgrade request; these stop Node's own longer waits.
  server.headersTimeout = limits.handshakeTimeoutMs;
  server.requestTimeout = limits.handshakeTimeoutMs;
  server.on('tlsClientError', error => debugLog('transport', 'TLS client error', error.message));
  server.on('request', (_req, res) => {
    res.writeHead(426, { Connection: 'close' }).end('stoa vat: WebSocket (CapTP) only\n');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', error => debugLog('transport', 'upgrade socket error', error.message));
    const cert = (socket as TLSSocket).getPeerX509Certificate();
    if (!cert) {
      refuse(socket, 401, 'client certificate required');
      return;
    }
    let peer: VatId;
    try {
      peer = vatIdOfCertificate(cert);
    } catch {
      refuse(socket, 401, 'certificate key is not a valid vat id');
      return;
    }
    const admission = admit(peer);
    if (!admission.admit) {
      refuse(socket, admission.status, admission.code);
      return;
    }
    wss.handleUpgrade(req, socket, head, ws => {
      gate.passed(socket as TLSSocket);
      onConnection(ws, peer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const what =
        error.code === 'EADDRINUSE'
          ? 'is already in use'
          : `cannot be bound (${error.code ?? error.message})`;
      reject(Error(`[listen-failed] address ${host}:${port} ${what}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', error => debugLog('transport', 'server error', error.message));
  const bound = server.address();
  const boundPort = typeof bound === 'object' && bound ? bound.port : port;
  const hostForAddress = host.includes(':') ? `[${host}]` : host;

  return harden({
    address: `${hostForAddress}:${boundPort}`,
    port: boundPort,
    // Sessions were aborted first, so their CTP_DISCONNECT frames are queued:
    // let the close handshakes flush, and cut whatever lingers.
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        wss.close();
        const linger = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
          server.closeAllConnections();
        }, CLOSE_LINGER_MS);
        linger.unref();
        server.once('close', () => clearTimeout(linger));
      }),
  });
};
harden(listen);
