// captp-transport/dialer.ts: opens a wss:// connection to a vat and pins its
// key. The server certificate's key must be the VatId we meant to reach; the
// check runs on the TLS socket before the connection is handed to CapTP.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';
import { vatIdOfCertificate } from './certificate.js';
import { tlsOptions, type Credentials } from './credentials.js';
import type { TransportLimits } from './limits.js';
import { short, type VatId } from './vat-id.js';

/** Why a dial failed; `duplicate` means the peer keeps a crossed connection instead. */
export type DialFailure = 'wrong-peer' | 'refused' | 'duplicate' | 'unreachable' | 'timeout';

const dialError = (code: DialFailure, message: string): Error => Error(`[${code}] ${message}`);

/** Fills a frame's mask key with zeros. */
const zeroMask = (mask: Buffer): void => {
  mask.fill(0);
};

export const dial = (
  credentials: Credentials,
  peer: VatId,
  host: string,
  port: number,
  limits: Readonly<TransportLimits>,
): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const where = `vat ${short(peer)} at ${host}:${port}`;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const ws = new WebSocket(`wss://${urlHost}:${port}/`, {
      ...tlsOptions(credentials),
      maxPayload: limits.maxFrameBytes,
      perMessageDeflate: false,
      handshakeTimeout: limits.dialTimeoutMs,
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
harden(dial);
