// The relay protocol's lines (docs/protocol.md §2.8) against vectors computed
// by an independent script (test/vectors/relay/make-vectors.mjs): requests
// signed as the vectors are, verified, and refused when anything changes.
import test from '@endo/ses-ava/prepare-endo.js';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  parseControlLine,
  parseNonceLine,
  parseRelayAnswer,
  parseRelayRequest,
  RELAY_HELLO,
  signRelayRequest,
  type UnsignedRequest,
} from '../../captp-transport/relay-wire.js';
import { makeRateMeter } from '../../captp-transport/relay-splice.js';
import { parseRef } from '../../vat/sturdy-ref.js';

const file = JSON.parse(
  readFileSync(new URL('../vectors/relay/vectors.json', import.meta.url), 'utf8'),
) as {
  keys: { alice: string; bob: string };
  nonce: string;
  circuit: string;
  hello: string;
  requests: { op: string; signedHex: string; line: string }[];
  refs: { uri: string; addresses: unknown[] }[];
};
const seedKey = (byte: number) =>
  createPrivateKey({
    key: Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.alloc(32, byte),
    ]),
    format: 'der',
    type: 'pkcs8',
  });
const signer = (byte: number) => (message: Uint8Array) => sign(null, message, seedKey(byte));
const { alice, bob } = file.keys;

const seedOf = (vat: string) => (vat === alice ? 7 : 8);

test('requests are signed and read as the vectors say; a punch port is not signed', t => {
  t.is(RELAY_HELLO, file.hello);
  for (const vector of file.requests) {
    const { sig, ...unsigned } = JSON.parse(vector.line) as UnsignedRequest & { sig: string };
    const signed = signRelayRequest(unsigned, file.nonce, signer(seedOf(unsigned.vat)));
    t.is(`${JSON.stringify(signed)}\n`, vector.line, vector.op);
    t.deepEqual(parseRelayRequest(vector.line.trimEnd(), file.nonce), signed, vector.op);
  }
  const [, connect, , punched] = file.requests.map(v => JSON.parse(v.line).sig);
  t.is(punched, connect, 'the same signature with and without punch');
  const line = JSON.parse(file.requests[3]!.line);
  t.throws(() => parseRelayRequest(JSON.stringify({ ...line, punch: 0 }), file.nonce), {
    message: /^\[relay-protocol\] punch is not a port/,
  });
});

test('a request is refused for another nonce, another signer, a changed field or an extra one', t => {
  for (const vector of file.requests) {
    const line = vector.line.trimEnd();
    const o = JSON.parse(line);
    const other = Buffer.alloc(16, 0x2b).toString('base64url');
    t.throws(() => parseRelayRequest(line, other), { message: /^\[relay-auth\]/ }, vector.op);
    const swapped = { ...o, vat: o.vat === alice ? bob : alice };
    t.throws(() => parseRelayRequest(JSON.stringify(swapped), file.nonce), {
      message: /^\[relay-auth\] the \w+ request is not signed by vat/,
    });
    t.throws(() => parseRelayRequest(JSON.stringify({ ...o, extra: 1 }), file.nonce), {
      message: /^\[relay-protocol\] not a relay request/,
    });
  }
  t.throws(() => parseRelayRequest('{"op":"reserve","vat":"x","sig":""}', file.nonce), {
    message: /^\[relay-auth\] vat is not a vat id: x/,
  });
  t.throws(() => parseRelayRequest('[1]', file.nonce), { message: /^\[relay-protocol\]/ });
  t.throws(() => parseRelayRequest('nope', file.nonce), { message: /^\[relay-protocol\]/ });
});

test("a relay's lines are checked too: nonce, answers, control lines", t => {
  t.is(parseNonceLine(JSON.stringify({ nonce: file.nonce })), file.nonce);
  t.throws(() => parseNonceLine('{"nonce":"short"}'), { message: /^\[relay-protocol\]/ });
  t.deepEqual(parseRelayAnswer('{"ok":true,"observed":"1.2.3.4:5","pingMs":15000}'), {
    ok: true,
    observed: '1.2.3.4:5',
    pingMs: 15000,
  });
  t.deepEqual(parseRelayAnswer('{"ok":true,"pingMs":3}'), { ok: true }, 'a silly ping is ignored');
  t.deepEqual(parseRelayAnswer('{"ok":false,"code":"relay-full","error":"full"}'), {
    ok: false,
    code: 'relay-full',
    error: 'full',
  });
  t.like(
    parseRelayAnswer('{"ok":false,"code":"made-up","error":{"x":1}}'),
    { ok: false, code: 'relay-protocol', error: 'a value of type object' },
    'an unknown code or a non-string message is not passed on',
  );
  t.deepEqual(parseRelayAnswer('{"ok":true,"punch":"172.31.2.2:50000"}'), {
    ok: true,
    punch: { host: '172.31.2.2', port: 50000 },
  });
  t.throws(() => parseRelayAnswer('{"ok":true,"punch":"example.com:1"}'), {
    message: /^\[relay-protocol\] punch is not ip:port/,
  });
  t.deepEqual(parseControlLine('{"op":"ping"}'), { op: 'ping' });
  t.deepEqual(
    parseControlLine(JSON.stringify({ op: 'incoming', circuit: file.circuit, from: alice })),
    { op: 'incoming', circuit: file.circuit, from: alice },
  );
  t.throws(() => parseControlLine(JSON.stringify({ op: 'incoming', circuit: 'x', from: alice })), {
    message: /^\[relay-protocol\]/,
  });
});

test('references with several addresses parse as the vectors say', t => {
  for (const { uri, addresses } of file.refs) t.deepEqual(parseRef(uri).addresses, addresses);
});

test("the relay's rate meter makes senders wait out the second they overspent", t => {
  let now = 1_000;
  const meter = makeRateMeter(100, () => now);
  t.is(meter.spend(60), 0);
  now += 400;
  t.is(meter.spend(60), 600, 'over 100 in this second: wait the rest of it');
  now += 600;
  t.is(meter.spend(60), 0, 'a new second');
});
