// captp-transport/relay-wire.ts: the relay protocol's lines (docs/protocol.md
// §2.8). Before a circuit is spliced, both ends speak newline-terminated JSON
// objects of at most RELAY_LINE_BYTES; after `{"ok":true}` on a connect or an
// accept, the connection carries only the inner TLS bytes. Every line from
// the other end passes one of the checks here before it is believed.
import { isIP, type Socket } from 'node:net';
import { domainSignatureHolds, signWithDomain } from './domain-signature.js';
import { peerText } from './peer-text.js';
import { checkVatId, type VatId } from './vat-id.js';

/** The first bytes a relay client sends; a TLS ClientHello starts with 0x16 instead. */
export const RELAY_HELLO = 'stoa-relay/1\n';
export const RELAY_LINE_BYTES = 1024;
export const RELAY_DOMAIN = 'stoa/relay/v1\n';

/** Codes a relay refuses with; any other code from a relay is read as relay-protocol. */
export const RELAY_CODES = harden([
  'relay-protocol',
  'relay-auth',
  'relay-full',
  'relay-busy',
  'no-reservation',
  'relay-timeout',
  'relay-closing',
] as const);
export type RelayCode = (typeof RELAY_CODES)[number];

/**
 * `punch` on a connect or an accept: the local port the vat will try a
 * direct TCP connection from (hole punching). Advisory, not signed: TLS
 * still decides who is at the other end of whatever path opens.
 */
export type UnsignedRequest =
  | { op: 'reserve'; vat: VatId }
  | { op: 'connect'; vat: VatId; to: VatId; punch?: number }
  | { op: 'accept'; vat: VatId; circuit: string; punch?: number };
export type RelayRequest = UnsignedRequest & { sig: string };

/** A relay's answer to a request. */
export type RelayAnswer =
  | { ok: true; observed?: string; pingMs?: number; punch?: PunchAt }
  | { ok: false; code: RelayCode; error: string };

/** What a relay tells a vat that holds a reservation, and the vat's answer to a ping. */
export type ControlLine =
  | { op: 'incoming'; circuit: string; from: VatId; punch?: PunchAt }
  | { op: 'ping' }
  | { op: 'pong' };

/** Where the other vat tries its direct connection from: the address the relay saw it at, and its punch port. */
export interface PunchAt {
  host: string;
  port: number;
}

const CIRCUIT_RE = /^[A-Za-z0-9_-]{22}$/;
const NONCE_RE = /^[A-Za-z0-9_-]{22}$/;

const wireError = (code: RelayCode, message: string) => Error(`[${code}] ${message}`);

/** The text a request's signature covers, after RELAY_DOMAIN. */
export const relaySignedText = (op: RelayRequest['op'], subject: string, nonce: string): string =>
  `${op}\n${subject}\n${nonce}`;
harden(relaySignedText);

const subjectOf = (request: UnsignedRequest): string =>
  request.op === 'connect' ? request.to : request.op === 'accept' ? request.circuit : '';

/** `host:port` as a punch address is written on the wire. */
export const formatPunchAt = ({ host, port }: PunchAt) =>
  `${host.includes(':') ? `[${host}]` : host}:${port}`;
harden(formatPunchAt);

/** Signs a request for `nonce` with the vat's key. */
export const signRelayRequest = (
  request: UnsignedRequest,
  nonce: string,
  sign: (message: Uint8Array) => Uint8Array,
): RelayRequest => {
  const text = relaySignedText(request.op, subjectOf(request), nonce);
  return harden({ ...request, sig: signWithDomain(RELAY_DOMAIN, text, sign) });
};
harden(signRelayRequest);

const parseObject = (line: string): Record<string, unknown> => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw wireError('relay-protocol', 'a line that is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw wireError('relay-protocol', 'a line that is not a JSON object');
  return value as Record<string, unknown>;
};

const keysAre = (object: Record<string, unknown>, keys: string[]) =>
  Object.keys(object).length === keys.length && keys.every(k => Object.hasOwn(object, k));

/** The keys, and `punch` too when the object has it. */
const withPunch = (object: Record<string, unknown>, keys: string[]) =>
  Object.hasOwn(object, 'punch') ? [...keys, 'punch'] : keys;

const isPort = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= 65535;

/** A punch port of a request, if any; a bad one is out of form. */
const punchPortIn = (o: Record<string, unknown>): { punch?: number } => {
  if (!Object.hasOwn(o, 'punch')) return {};
  if (!isPort(o.punch)) throw wireError('relay-protocol', 'punch is not a port');
  return { punch: o.punch };
};

/** `ip:port` from the relay, IPv4 or bracketed IPv6 only (a name would need a lookup). */
const punchAtIn = (value: unknown): { punch?: PunchAt } => {
  if (value === undefined) return {};
  const match = typeof value === 'string' ? /^\[?([0-9a-fA-F:.]+)\]?:(\d{1,5})$/.exec(value) : null;
  const port = Number(match?.[2]);
  if (!match || !isIP(match[1]!) || !isPort(port))
    throw wireError('relay-protocol', 'punch is not ip:port');
  return { punch: { host: match[1]!, port } };
};

const vatIdIn = (value: unknown, field: string): VatId => {
  try {
    checkVatId(value as string);
  } catch {
    throw wireError('relay-auth', `${field} is not a vat id: ${peerText(value, 60)}`);
  }
  return value as VatId;
};

/** A client's request line, checked for form and for its signature over `nonce`. */
export const parseRelayRequest = (line: string, nonce: string): RelayRequest => {
  const o = parseObject(line);
  const vat = vatIdIn(o.vat, 'vat');
  let request: RelayRequest;
  if (o.op === 'reserve' && keysAre(o, ['op', 'vat', 'sig'])) {
    request = { op: 'reserve', vat, sig: o.sig as string };
  } else if (o.op === 'connect' && keysAre(o, withPunch(o, ['op', 'vat', 'to', 'sig']))) {
    request = {
      op: 'connect',
      vat,
      to: vatIdIn(o.to, 'to'),
      ...punchPortIn(o),
      sig: o.sig as string,
    };
  } else if (
    o.op === 'accept' &&
    keysAre(o, withPunch(o, ['op', 'vat', 'circuit', 'sig'])) &&
    typeof o.circuit === 'string' &&
    CIRCUIT_RE.test(o.circuit)
  ) {
    request = { op: 'accept', vat, circuit: o.circuit, ...punchPortIn(o), sig: o.sig as string };
  } else {
    throw wireError('relay-protocol', `not a relay request (op ${peerText(o.op)})`);
  }
  if (
    typeof request.sig !== 'string' ||
    !domainSignatureHolds(
      RELAY_DOMAIN,
      relaySignedText(request.op, subjectOf(request), nonce),
      request.sig,
      vat,
    )
  ) {
    throw wireError('relay-auth', `the ${request.op} request is not signed by vat ${vat}`);
  }
  return harden(request);
};
harden(parseRelayRequest);

/** The relay's first line: the nonce the request must sign. */
export const parseNonceLine = (line: string): string => {
  const o = parseObject(line);
  if (!keysAre(o, ['nonce']) || typeof o.nonce !== 'string' || !NONCE_RE.test(o.nonce))
    throw wireError('relay-protocol', 'the relay sent no nonce');
  return o.nonce;
};
harden(parseNonceLine);

/** A relay's answer; a refusal becomes the Error it names, its text the relay's own, cut short. */
export const parseRelayAnswer = (line: string): RelayAnswer => {
  const o = parseObject(line);
  if (o.ok === true) {
    const observed = typeof o.observed === 'string' ? peerText(o.observed, 64) : undefined;
    const pingMs =
      Number.isSafeInteger(o.pingMs) && (o.pingMs as number) >= 1000
        ? (o.pingMs as number)
        : undefined;
    return harden({
      ok: true,
      ...(observed ? { observed } : {}),
      ...(pingMs ? { pingMs } : {}),
      ...punchAtIn(o.punch),
    });
  }
  if (o.ok === false) {
    const code = (RELAY_CODES as readonly unknown[]).includes(o.code)
      ? (o.code as RelayCode)
      : 'relay-protocol';
    return harden({ ok: false, code, error: peerText(o.error, 200) });
  }
  throw wireError('relay-protocol', 'the relay answered neither ok nor a refusal');
};
harden(parseRelayAnswer);

/** A line on a reservation's control connection. */
export const parseControlLine = (line: string): ControlLine => {
  const o = parseObject(line);
  if (o.op === 'ping' && keysAre(o, ['op'])) return harden({ op: 'ping' });
  if (o.op === 'pong' && keysAre(o, ['op'])) return harden({ op: 'pong' });
  if (
    o.op === 'incoming' &&
    keysAre(o, withPunch(o, ['op', 'circuit', 'from'])) &&
    typeof o.circuit === 'string' &&
    CIRCUIT_RE.test(o.circuit)
  ) {
    return harden({
      op: 'incoming',
      circuit: o.circuit,
      from: vatIdIn(o.from, 'from'),
      ...punchAtIn(o.punch),
    });
  }
  throw wireError('relay-protocol', `not a control line (op ${peerText(o.op)})`);
};
harden(parseControlLine);

export const writeLine = (socket: Socket, value: object): void => {
  if (socket.writable) socket.write(`${JSON.stringify(value)}\n`);
};
harden(writeLine);

/**
 * The next line from `socket` (without its newline). Bytes after it stay in
 * the socket for whoever reads next: the inner TLS, or the next line.
 */
export const nextLine = (socket: Socket, what: string): Promise<string> =>
  new Promise((resolve, reject) => {
    let held = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('readable', onReadable);
      socket.off('close', onClose);
    };
    const onClose = () => {
      cleanup();
      reject(wireError('relay-protocol', `${what} closed the connection mid-handshake`));
    };
    const onReadable = () => {
      for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) {
        held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
        const end = held.indexOf(10);
        if (end >= 0 && end < RELAY_LINE_BYTES) {
          cleanup();
          if (end + 1 < held.length) socket.unshift(held.subarray(end + 1));
          resolve(held.subarray(0, end).toString('utf8'));
          return;
        }
        if (held.length >= RELAY_LINE_BYTES) {
          cleanup();
          reject(wireError('relay-protocol', `${what} sent a line over ${RELAY_LINE_BYTES} bytes`));
          return;
        }
      }
    };
    socket.on('readable', onReadable);
    socket.once('close', onClose);
    onReadable();
  });
harden(nextLine);
