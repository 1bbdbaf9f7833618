// captp-transport/relay-client.ts: a vat's side of the relay protocol
// (docs/protocol.md §2.8): opening a circuit to a vat through a relay, and
// keeping a reservation at a relay so that others can open circuits to us.
import { randomInt } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { hostPort, type PeerAddress } from './address.js';
import { debugLog } from './debug-log.js';
import { errorAt, errorCode, errorSentence } from './error-code.js';
import {
  nextLine,
  parseControlLine,
  parseNonceLine,
  parseRelayAnswer,
  RELAY_HELLO,
  signRelayRequest,
  writeLine,
  type PunchAt,
  type RelayAnswer,
  type UnsignedRequest,
} from './relay-wire.js';
import { short, type VatId } from './vat-id.js';

type Signer = (message: Uint8Array) => Uint8Array;

/** A TCP connection to `address` (from `localPort`, if given), or an `[unreachable]`/`[timeout]` error (callers say where). */
export const connectTcp = (
  address: { host: string; port: number },
  timeoutMs: number,
  localPort?: number,
): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = netConnect({ host: address.host, port: address.port, localPort, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Error(`[timeout] no TCP connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(Error(`[unreachable] ${error.code ?? error.message}`));
    };
    socket.once('error', onError);
  });
harden(connectTcp);

/** How long each side of a hole punch keeps trying its direct connection. */
export const PUNCH_MS = 2_000;

/** A local port to punch from: one an ordinary NAT keeps as the public port, if it is free there. */
export const punchPort = (): number => randomInt(20_000, 60_000);

/**
 * A TCP connection from `localPort` to `to`, tried again until `timeoutMs`:
 * both vats connect to each other at once (a simultaneous open), each SYN
 * opening its own router's mapping for the other's. It fails where a router
 * gives the connection another public port than `localPort` (fully-random
 * NAT): then the relay carries the session.
 */
export const punchFrom = async (localPort: number, to: PunchAt, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connectTcp(to, until - Date.now(), localPort);
    } catch (error) {
      // Refused before the other side's SYN opened the way: again, while there is time.
      const again = !/EADDRINUSE/.test(errorSentence(error)) && Date.now() + 100 < until;
      if (!again || errorCode(error) === 'timeout')
        throw errorAt(error, `punching from port ${localPort} to ${to.host}:${to.port}`);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
};
harden(punchFrom);

/** Connects to a relay, sends one signed request and returns the socket once the relay says ok (callers say where). */
const request = async (
  relay: PeerAddress,
  unsigned: UnsignedRequest,
  sign: Signer,
  timeoutMs: number,
): Promise<{ socket: Socket; answer: RelayAnswer & { ok: true } }> => {
  const where = `the relay at ${hostPort(relay)}`;
  const socket = await connectTcp(relay, timeoutMs);
  socket.on('error', error => debugLog('relay', `${where}: ${error.message}`));
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  try {
    socket.write(RELAY_HELLO);
    const nonce = parseNonceLine(await nextLine(socket, where));
    writeLine(socket, signRelayRequest(unsigned, nonce, sign));
    const answer = parseRelayAnswer(await nextLine(socket, where));
    if (!answer.ok) throw Error(`[${answer.code}] ${answer.error}`);
    return { socket, answer };
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
};

export interface Circuit {
  /** Carries our TLS to the peer once this resolves. */
  socket: Socket;
  /** Where to try a direct connection to the peer from, and to, when the relay told us. */
  punch?: { localPort: number; to: PunchAt };
}

/** A circuit through `relay` to `peer`, naming a punch port so the peer may try to reach us directly too. */
export const openCircuit = async (
  relay: PeerAddress,
  self: VatId,
  peer: VatId,
  sign: Signer,
  timeoutMs: number,
  holePunching: boolean,
): Promise<Circuit> => {
  const localPort = punchPort();
  const { socket, answer } = await request(
    relay,
    { op: 'connect', vat: self, to: peer, ...(holePunching ? { punch: localPort } : {}) },
    sign,
    timeoutMs,
  );
  return holePunching && answer.punch
    ? { socket, punch: { localPort, to: answer.punch } }
    : { socket };
};
harden(openCircuit);

export type ReservationState = 'connecting' | 'reserved' | 'lost';

export interface ReservationStatus {
  relay: PeerAddress;
  state: ReservationState;
  /** `ip:port` the relay saw this vat's control connection come from. */
  observed?: string;
  /** Why the last attempt failed, while not reserved. */
  lastError?: string;
}

export interface Reservation {
  status(): ReservationStatus;
  /** Resolves once the first attempt ends, reserved or not. */
  readonly settled: Promise<void>;
  close(): void;
}

export interface ReservationOptions {
  relay: PeerAddress;
  self: VatId;
  sign: Signer;
  timeoutMs: number;
  /** A circuit a dialer opened to us, ready for our TLS listener. */
  onCircuit(socket: Socket, from: VatId): void;
}

const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/** Holds a reservation at one relay, and takes it up again whenever it is lost. */
export const keepReservation = (opts: ReservationOptions): Reservation => {
  const { relay, self, sign, timeoutMs, onCircuit } = opts;
  let status: ReservationStatus = { relay, state: 'connecting' };
  let control: Socket | undefined;
  let retryMs = MIN_RETRY_MS;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  let settle!: () => void;
  const settled = new Promise<void>(resolve => {
    settle = resolve;
  });

  const atRelay = (error: unknown) => errorAt(error, `the relay at ${hostPort(relay)}`).message;

  /** Our side of a hole punch: the dialer chooses which path its TLS takes. */
  const punchBack = (localPort: number, to: PunchAt, from: VatId) => {
    punchFrom(localPort, to, PUNCH_MS).then(
      socket => (closed ? socket.destroy() : onCircuit(socket, from)),
      error => debugLog('relay', `no direct path to ${short(from)}: ${(error as Error).message}`),
    );
  };

  const acceptCircuit = async (circuit: string, from: VatId, punch?: PunchAt) => {
    const localPort = punchPort();
    // Our SYN goes first: it opens our router for the dialer's, which follows the relay's ok.
    if (punch) punchBack(localPort, punch, from);
    try {
      const { socket } = await request(
        relay,
        { op: 'accept', vat: self, circuit, ...(punch ? { punch: localPort } : {}) },
        sign,
        timeoutMs,
      );
      if (closed) socket.destroy();
      else onCircuit(socket, from);
    } catch (error) {
      debugLog('relay', `accepting a circuit from ${short(from)}: ${(error as Error).message}`);
    }
  };

  const listenOn = async (socket: Socket, pingMs: number) => {
    let heard = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - heard > 2.5 * pingMs) socket.destroy();
    }, pingMs);
    watchdog.unref();
    try {
      for (;;) {
        const line = parseControlLine(await nextLine(socket, `the relay at ${hostPort(relay)}`));
        heard = Date.now();
        if (line.op === 'ping') writeLine(socket, { op: 'pong' });
        else if (line.op === 'incoming') void acceptCircuit(line.circuit, line.from, line.punch);
      }
    } catch (error) {
      status = { relay, state: 'lost', lastError: atRelay(error) };
    } finally {
      clearInterval(watchdog);
      socket.destroy();
    }
  };

  const attempt = async () => {
    retry = undefined;
    if (closed) return;
    try {
      const { socket, answer } = await request(
        relay,
        { op: 'reserve', vat: self },
        sign,
        timeoutMs,
      );
      if (closed) {
        socket.destroy();
        return;
      }
      control = socket;
      retryMs = MIN_RETRY_MS;
      status = {
        relay,
        state: 'reserved',
        ...(answer.observed ? { observed: answer.observed } : {}),
      };
      settle();
      await listenOn(socket, answer.pingMs ?? 15_000);
    } catch (error) {
      status = { relay, state: 'lost', lastError: atRelay(error) };
      settle();
    }
    debugLog('relay', `reservation ${status.state}: ${status.lastError ?? 'closed'}`);
    if (closed) return;
    retry = setTimeout(attempt, retryMs);
    retry.unref();
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  };
  void attempt();

  return harden({
    status: () => harden({ ...status }),
    settled,
    close() {
      closed = true;
      clearTimeout(retry);
      control?.destroy();
      settle();
    },
  });
};
harden(keepReservation);
