// captp-transport/handshake-gate.ts: bounds on connections before they are
// authenticated. Anyone can open TCP connections, so until a connection has
// shown a valid certificate and upgraded to a WebSocket it holds a slot
// counted by its address and in all, and it has `handshakeTimeoutMs` to get
// there. Defaults leave room for many honest peers behind one address (a
// home NAT, a relay, dozens of vats on 127.0.0.1 in tests and benches).
import type { Socket } from 'node:net';
import { debugLog } from './debug-log.js';
import type { TransportLimits } from './limits.js';

type GateLimits = Pick<
  TransportLimits,
  'handshakeTimeoutMs' | 'maxHandshakesPerAddress' | 'maxHandshakes'
>;

/**
 * One TCP connection's four-tuple, which the raw socket and the TLS socket
 * over it share. The local port tells apart circuits a relay spliced to us,
 * which all come from the relay's address and port.
 */
type Ends = {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  localPort?: number | undefined;
};
const keyOf = (socket: Ends) =>
  `${socket.remoteAddress ?? '?'}|${socket.remotePort ?? '?'}|${socket.localPort ?? '?'}`;

export const makeHandshakeGate = (limits: GateLimits) => {
  const pending = new Map<string, { address: string; timer: NodeJS.Timeout }>();
  const perAddress = new Map<string, number>();

  const release = (key: string) => {
    const entry = pending.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    pending.delete(key);
    const left = (perAddress.get(entry.address) ?? 1) - 1;
    if (left > 0) perAddress.set(entry.address, left);
    else perAddress.delete(entry.address);
  };

  const refuse = (socket: Socket, why: string) => {
    debugLog('transport', `refused a connection from ${socket.remoteAddress}: ${why}`);
    socket.destroy();
  };

  return harden({
    /** A new TCP connection: admitted into a pending slot, or destroyed. */
    admit(socket: Socket) {
      const address = socket.remoteAddress ?? '?';
      const mine = perAddress.get(address) ?? 0;
      if (mine >= limits.maxHandshakesPerAddress) {
        refuse(socket, `${mine} handshakes already pending from it`);
        return;
      }
      if (pending.size >= limits.maxHandshakes) {
        refuse(socket, `${pending.size} handshakes already pending`);
        return;
      }
      const key = keyOf(socket);
      const timer = setTimeout(() => {
        if (!pending.has(key)) return;
        release(key);
        refuse(socket, `no authenticated upgrade within ${limits.handshakeTimeoutMs} ms`);
      }, limits.handshakeTimeoutMs);
      timer.unref();
      pending.set(key, { address, timer });
      perAddress.set(address, mine + 1);
      socket.once('close', () => release(key));
    },
    /** The connection over `socket` authenticated and upgraded: it leaves the gate. */
    passed(socket: Ends) {
      release(keyOf(socket));
    },
  });
};
harden(makeHandshakeGate);
export type HandshakeGate = ReturnType<typeof makeHandshakeGate>;
