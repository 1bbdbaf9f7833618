// captp-transport/listener.ts: the wss:// endpoint of a vat. TLS 1.3 with a
// client certificate required; the dialer's VatId is read from that
// certificate before the WebSocket upgrade, so an unauthenticated client never
// reaches CapTP. `admit` may refuse an upgrade (the crossed-dial rule).
// The port also serves the relay protocol when the vat relays: a connection
// whose first byte is not a TLS handshake record (0x16) goes to the relay
// (docs/protocol.md §2.8). Circuits relayed to us arrive through `accept`.
import { createServer as createTcpServer, type Socket } from 'node:net';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { vatIdOfCertificate } from './certificate.js';
import { tlsOptions, type Credentials } from './credentials.js';
import { debugLog } from './debug-log.js';
import { makeHandshakeGate } from './handshake-gate.js';
import type { TransportLimits } from './limits.js';
import type { Relay } from './relay-server.js';
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
  /** Serves the relay protocol on this port too. */
  relay?: Relay | undefined;
}

export interface Listener {
  /** `host:port` actually bound (port 0 picks one). */
  readonly address: string;
  readonly port: number;
  /** A circuit relayed to us: its bytes are a dialer's TLS, as if it had dialed this port. */
  accept(socket: Socket): void;
  close(): Promise<void>;
}

const CLOSE_LINGER_MS = 500;
const TLS_HANDSHAKE_RECORD = 0x16;

const refuse = (socket: Duplex, status: number, code: string) => {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${code}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  } else {
    socket.destroy();
  }
};

export const listen = async (opts: ListenerOptions): Promise<Listener> => {
  const { credentials, host, port, limits, admit, onConnection, relay } = opts;
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

  /** Every socket this port took, for close. */
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', error => debugLog('transport', 'socket error', error.message));
  };
  // Until a connection authenticates (TLS and upgrade, or a relay request) it holds a gate slot.
  const accept = (socket: Socket) => {
    track(socket);
    gate.admit(socket);
    if (!socket.destroyed) server.emit('connection', socket);
  };
  /** Reads the first chunk to tell TLS from the relay protocol, then hands the socket on with it. */
  const sniff = (socket: Socket) => {
    track(socket);
    gate.admit(socket);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE_RECORD) server.emit('connection', socket);
      else if (relay) relay.handle(socket, () => gate.passed(socket));
      else socket.destroy();
    });
  };
  const front = createTcpServer({ noDelay: true }, sniff);

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const what =
        error.code === 'EADDRINUSE'
          ? 'is already in use'
          : `cannot be bound (${error.code ?? error.message})`;
      reject(Error(`[listen-failed] address ${host}:${port} ${what}`));
    };
    front.once('error', onError);
    front.listen(port, host, () => {
      front.off('error', onError);
      resolve();
    });
  });
  front.on('error', error => debugLog('transport', 'server error', error.message));
  const bound = front.address();
  const boundPort = typeof bound === 'object' && bound ? bound.port : port;
  const hostForAddress = host.includes(':') ? `[${host}]` : host;

  return harden({
    address: `${hostForAddress}:${boundPort}`,
    port: boundPort,
    accept,
    // Sessions were aborted first, so their CTP_DISCONNECT frames are queued:
    // let the close handshakes flush, and cut whatever lingers.
    close: () =>
      new Promise<void>(resolve => {
        relay?.close();
        wss.close();
        const linger = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
          for (const socket of sockets) socket.destroy();
        }, CLOSE_LINGER_MS);
        linger.unref();
        front.close(() => {
          clearTimeout(linger);
          for (const socket of sockets) socket.destroy(); // relayed ones are not the front's
          resolve();
        });
      }),
  });
};
harden(listen);
