// captp-transport/dialer.ts: opens a wss:// connection to a vat and pins its
// key, over a direct TCP connection or a relay's circuit (docs/protocol.md
// §2.2, §2.8). The server certificate's key must be the VatId we meant to
// reach; the check runs on the TLS socket before the connection is handed to
// CapTP, so a path that ends at anyone else fails with [wrong-peer].
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';
import { formatAddress, hostPort, type PeerAddress } from './address.js';
import { vatIdOfCertificate } from './certificate.js';
import { errorAt } from './error-code.js';
import { tlsOptions, type Credentials } from './credentials.js';
import type { TransportLimits } from './limits.js';
import { connectTcp, openCircuit, type Circuit } from './relay-client.js';
import { short, type VatId } from './vat-id.js';

/** Why a dial failed; `duplicate` means the peer keeps a crossed connection instead. */
export type DialFailure = 'wrong-peer' | 'refused' | 'duplicate' | 'unreachable' | 'timeout';

export interface DialContext {
  credentials: Credentials;
  /** Signs relay requests with the vat's key. */
  sign: (message: Uint8Array) => Uint8Array;
  limits: Readonly<TransportLimits>;
  /** Whether circuits name a punch port (§2.8). */
  holePunching: boolean;
}

const dialError = (code: DialFailure, message: string): Error => Error(`[${code}] ${message}`);

/** `vat abcdefgh at <address>`: where a dial went, for its errors. */
export const dialWhere = (peer: VatId, address: PeerAddress) =>
  `vat ${short(peer)} at ${formatAddress(address)}`;

/** Fills a frame's mask key with zeros. */
const zeroMask = (mask: Buffer): void => {
  mask.fill(0);
};

/** The bytes' path to the vat: a TCP connection, or a circuit through a relay (with a chance to punch). */
export const openPath = async (
  ctx: DialContext,
  peer: VatId,
  address: PeerAddress,
): Promise<Circuit> => {
  const { dialTimeoutMs } = ctx.limits;
  try {
    return await (address.via === 'relay'
      ? openCircuit(address, ctx.credentials.vatId, peer, ctx.sign, dialTimeoutMs, ctx.holePunching)
      : connectTcp(address, dialTimeoutMs).then(socket => ({ socket })));
  } catch (error) {
    throw errorAt(error, dialWhere(peer, address));
  }
};
harden(openPath);

/** TLS over `socket`, pinned to `peer`, then the WebSocket upgrade. */
export const dialOver = (
  ctx: DialContext,
  peer: VatId,
  address: PeerAddress,
  socket: Socket,
): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const { credentials, limits } = ctx;
    const where = dialWhere(peer, address);
    const ws = new WebSocket(`wss://${hostPort(address)}/`, {
      ...tlsOptions(credentials),
      maxPayload: limits.maxFrameBytes,
      perMessageDeflate: false,
      handshakeTimeout: limits.dialTimeoutMs,
      // The path is open already (direct or relayed): TLS runs over it.
      createConnection: (options: object) =>
        tlsConnect({ ...(options as ConnectionOptions), socket }),
      // Masking guards proxies that read frames from hostile browser scripts;
      // inside our TLS, end to end, none can, so frames go unmasked (a zero
      // mask, which ws then skips on both ends): docs/protocol.md §2.4.
      generateMask: zeroMask,
    });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      ws.terminate();
      socket.destroy();
      reject(error);
    };
    /** The key the listener proved in the TLS handshake: checked before anything it says is believed. */
    const keyMatches = (response: IncomingMessage): boolean => {
      const cert = (response.socket as TLSSocket).getPeerX509Certificate();
      let found: VatId | undefined;
      try {
        found = cert && vatIdOfCertificate(cert);
      } catch {
        found = undefined;
      }
      if (found !== peer) {
        fail(
          dialError(
            'wrong-peer',
            `${where}: the listener's key is ${found ? `vat ${short(found)}` : 'not a vat key'}, not the vat id in the reference`,
          ),
        );
      }
      return found === peer;
    };
    ws.once('upgrade', keyMatches);
    ws.once('unexpected-response', (_req, response) => {
      if (!keyMatches(response)) return;
      // Only the status code: the status text is the peer's to choose.
      const code = response.statusCode === 409 ? 'duplicate' : 'refused';
      fail(dialError(code, `${where} refused the connection (HTTP ${response.statusCode})`));
    });
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      resolve(ws);
    });
    ws.on('error', (error: NodeJS.ErrnoException) => {
      const timedOut = /timed out/i.test(error.message);
      fail(
        dialError(timedOut ? 'timeout' : 'unreachable', `${where}: ${error.code ?? error.message}`),
      );
    });
  });
harden(dialOver);
