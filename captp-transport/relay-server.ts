// captp-transport/relay-server.ts: a vat's relay service (docs/protocol.md
// §2.8). Vats that cannot be dialed hold a reservation (a control connection
// they opened); a dialer asks for a circuit to one of them, the relay tells it
// over its control connection, the reserved vat opens a connection back to
// accept it, and the relay splices the two. What crosses a circuit is the
// inner TLS between the two vats: the relay sees only ciphertext, and the
// dialer pins the reserved vat's key as on a direct path. Every request is
// signed over the relay's nonce, so no one can reserve, or accept, for a vat
// whose key they do not hold. A connect and its accept may each name a punch
// port; the relay tells each side the other's address and port, so both can
// try a direct connection at once (relay-client.ts) while the circuit waits.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { debugLog } from './debug-log.js';
import { errorCode, errorSentence } from './error-code.js';
import type { RelayLimits } from './limits.js';
import {
  formatPunchAt,
  nextLine,
  parseControlLine,
  parseRelayRequest,
  RELAY_HELLO,
  writeLine,
  type RelayCode,
  type RelayRequest,
} from './relay-wire.js';
import { makeRateMeter, splice } from './relay-splice.js';
import { short, type VatId } from './vat-id.js';

export interface RelayStats {
  reservations: number;
  /** Circuits open now (spliced). */
  circuits: number;
  /** Circuits spliced since the relay started. */
  circuitsOpened: number;
  /** Bytes forwarded through circuits, both ways. */
  bytesForwarded: number;
  /** Requests refused, by code. */
  refused: Record<string, number>;
}

export interface Relay {
  /**
   * A connection whose first bytes are not TLS: the relay protocol, or
   * nothing. The port's handshake gate bounds it until `passed`, called once
   * its request is signed and in form.
   */
  handle(socket: Socket, passed: () => void): void;
  stats(): RelayStats;
  /** Ends every reservation and circuit. */
  close(): void;
}

interface Waiting {
  dialer: Socket;
  from: VatId;
  to: VatId;
  timer: NodeJS.Timeout;
}

const refusal = (code: RelayCode, message: string) => Error(`[${code}] ${message}`);

/** Counts per vat that go away at zero. */
const makeTally = () => {
  const counts = new Map<VatId, number>();
  return harden({
    of: (vat: VatId) => counts.get(vat) ?? 0,
    add(vat: VatId, delta: number) {
      const next = (counts.get(vat) ?? 0) + delta;
      if (next > 0) counts.set(vat, next);
      else counts.delete(vat);
    },
  });
};

export const makeRelay = (limits: Readonly<RelayLimits>, self: VatId): Relay => {
  const reservations = new Map<VatId, Socket>();
  const waiting = new Map<string, Waiting>();
  const toVat = makeTally();
  const fromVat = makeTally();
  const meter = makeRateMeter(limits.bytesPerSecond);
  const open = new Set<Socket>();
  const refused: Record<string, number> = {};
  let circuits = 0; // waiting and spliced
  let spliced = 0;
  let circuitsOpened = 0;
  let bytesForwarded = 0;
  let closing = false;
  const me = `relay ${short(self)}`;

  const refuse = (socket: Socket, error: unknown) => {
    const code = (errorCode(error) ?? 'relay-protocol') as RelayCode;
    refused[code] = (refused[code] ?? 0) + 1;
    const message = errorSentence(error);
    debugLog('relay', `refused ${socket.remoteAddress}: [${code}] ${message}`);
    writeLine(socket, { ok: false, code, error: `${me}: ${message}` });
    socket.end();
  };

  const release = (from: VatId, to: VatId) => {
    circuits -= 1;
    toVat.add(to, -1);
    fromVat.add(from, -1);
  };

  const keepControl = async (socket: Socket, vat: VatId) => {
    let heard = Date.now();
    const pinger = setInterval(() => {
      if (Date.now() - heard > 2.5 * limits.pingMs) socket.destroy();
      else writeLine(socket, { op: 'ping' });
    }, limits.pingMs);
    pinger.unref();
    socket.once('close', () => {
      clearInterval(pinger);
      if (reservations.get(vat) === socket) reservations.delete(vat);
    });
    try {
      for (;;) {
        const line = parseControlLine(await nextLine(socket, `vat ${short(vat)}`));
        heard = Date.now();
        if (line.op === 'ping') writeLine(socket, { op: 'pong' });
      }
    } catch {
      socket.destroy();
    }
  };

  const reserve = (socket: Socket, vat: VatId) => {
    const old = reservations.get(vat);
    if (!old && reservations.size >= limits.maxReservations)
      throw refusal('relay-full', `holds ${limits.maxReservations} reservations, its most`);
    old?.destroy(); // the vat reserved again: its old connection is dead or will be
    reservations.set(vat, socket);
    writeLine(socket, {
      ok: true,
      observed: `${socket.remoteAddress}:${socket.remotePort}`,
      pingMs: limits.pingMs,
    });
    void keepControl(socket, vat);
  };

  /** Where a vat behind a punch port is: the address its connection to us came from, and that port. */
  const punchOf = (socket: Socket, port: number | undefined) =>
    port !== undefined && socket.remoteAddress
      ? { punch: formatPunchAt({ host: socket.remoteAddress, port }) }
      : {};

  const connect = (socket: Socket, from: VatId, to: VatId, punch?: number) => {
    const target = reservations.get(to);
    if (!target) throw refusal('no-reservation', `vat ${short(to)} holds no reservation here`);
    if (circuits >= limits.maxCircuits)
      throw refusal('relay-busy', `carries ${limits.maxCircuits} circuits, its most`);
    if (toVat.of(to) >= limits.maxCircuitsPerVat)
      throw refusal(
        'relay-busy',
        `carries ${limits.maxCircuitsPerVat} circuits to vat ${short(to)}, its most`,
      );
    if (fromVat.of(from) >= limits.maxCircuitsPerDialer)
      throw refusal(
        'relay-busy',
        `carries ${limits.maxCircuitsPerDialer} circuits from vat ${short(from)}, its most`,
      );
    const circuit = randomBytes(16).toString('base64url');
    circuits += 1;
    toVat.add(to, 1);
    fromVat.add(from, 1);
    const drop = () => {
      if (waiting.delete(circuit)) release(from, to);
    };
    const timer = setTimeout(() => {
      drop();
      refuse(
        socket,
        refusal(
          'relay-timeout',
          `vat ${short(to)} did not accept the circuit within ${limits.acceptTimeoutMs} ms`,
        ),
      );
    }, limits.acceptTimeoutMs);
    waiting.set(circuit, { dialer: socket, from, to, timer });
    socket.once('close', () => {
      clearTimeout(timer);
      drop();
    });
    writeLine(target, { op: 'incoming', circuit, from, ...punchOf(socket, punch) });
  };

  const accept = (socket: Socket, vat: VatId, circuit: string, punch?: number) => {
    const entry = waiting.get(circuit);
    if (!entry || entry.to !== vat)
      throw refusal('relay-protocol', `no circuit waits for vat ${short(vat)} under that id`);
    waiting.delete(circuit);
    clearTimeout(entry.timer);
    writeLine(socket, { ok: true });
    writeLine(entry.dialer, { ok: true, ...punchOf(socket, punch) });
    spliced += 1;
    circuitsOpened += 1;
    splice(entry.dialer, socket, {
      maxBytes: limits.circuitMaxBytes,
      maxMs: limits.circuitMaxMs,
      meter,
      onBytes: bytes => {
        bytesForwarded += bytes;
      },
      onClose: why => {
        spliced -= 1;
        release(entry.from, entry.to);
        debugLog('relay', `circuit ${short(entry.from)} → ${short(entry.to)} ended: ${why}`);
      },
    });
  };

  const serve = (socket: Socket, request: RelayRequest) => {
    if (closing) throw refusal('relay-closing', 'is closing');
    if (request.op === 'reserve') reserve(socket, request.vat);
    else if (request.op === 'connect') connect(socket, request.vat, request.to, request.punch);
    else accept(socket, request.vat, request.circuit, request.punch);
  };

  const handshake = async (socket: Socket) => {
    const hello = await nextLine(socket, 'the client');
    if (`${hello}\n` !== RELAY_HELLO) throw refusal('relay-protocol', 'expected stoa-relay/1');
    const nonce = randomBytes(16).toString('base64url');
    writeLine(socket, { nonce });
    return parseRelayRequest(await nextLine(socket, 'the client'), nonce);
  };

  return harden({
    handle(socket: Socket, passed: () => void) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      socket.setNoDelay(true);
      handshake(socket)
        .then(request => {
          passed();
          serve(socket, request);
        })
        .catch(error => refuse(socket, error));
    },
    stats: () =>
      harden({
        reservations: reservations.size,
        circuits: spliced,
        circuitsOpened,
        bytesForwarded,
        refused: { ...refused },
      }),
    close() {
      closing = true;
      for (const socket of open) socket.destroy();
    },
  });
};
harden(makeRelay);
