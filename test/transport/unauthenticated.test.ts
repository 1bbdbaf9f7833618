// Connections cost a vat something before they prove anything: each one not
// yet authenticated holds a slot counted by address and in all, for at most
// handshakeTimeoutMs; an authenticated session that exchanged no reference and
// carried no call for idleSessionMs is closed, and makes room for a newcomer
// when the session table is full. Before, raw TCP was held 120 s, a TLS
// connection with half a request 75 s, an empty session forever, and 1,000
// empty sessions from throwaway identities locked every newcomer out (503).
// The vat runs in its own process, with small limits.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { once } from 'node:events';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WebSocket } from 'ws';
import { tlsOptions } from '../../captp-transport/credentials.js';
import { loadOrCreateIdentity } from '../../vat/index.js';
import { fixtureVat, tempDir, testVat } from '../helpers.js';

const LIMITS = { handshakeTimeoutMs: 1_500, maxHandshakesPerAddress: 4, maxHandshakes: 6 };

const portOf = (address: string) => Number(address.split(':')[1]);
const closedPromise = (socket: Socket) => once(socket, 'close').then(() => 'closed');
const rawTcp = async (address: string) => {
  const socket = tcpConnect(portOf(address), '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  return { socket, closed: closedPromise(socket) };
};

test('raw TCP and half-done TLS are closed after handshakeTimeoutMs, and at once past the per-address cap', async t => {
  const bob = await fixtureVat(t, { limits: LIMITS });
  const held = await Promise.all([0, 1, 2].map(() => rawTcp(bob.address)));
  // A fourth: TLS with a certificate, then half an upgrade request, never finished.
  const { credentials } = loadOrCreateIdentity(tempDir(t));
  const tls = tlsConnect({
    port: portOf(bob.address),
    host: '127.0.0.1',
    ...tlsOptions(credentials),
  });
  tls.on('error', () => {});
  await once(tls, 'secureConnect');
  tls.write('GET / HTTP/1.1\r\nHost: x\r\n');
  const tlsClosed = closedPromise(tls as unknown as Socket);
  // The fifth from this address is over the cap of four: closed without waiting.
  const extra = await rawTcp(bob.address);
  const first = await Promise.race([extra.closed, ...held.map(h => h.closed), tlsClosed]);
  t.is(first, 'closed');
  t.true(extra.socket.destroyed, 'the one over the cap went first');
  t.deepEqual(await Promise.all([...held.map(h => h.closed), tlsClosed]), Array(4).fill('closed'));
  const carol = await testVat(t);
  const control = await carol.fetch<{ echo(x: string): string }>(String(bob.ready.control));
  t.is(
    await E(control).echo('still here'),
    'still here',
    'an honest peer from the same address gets in',
  );
});

test('an authenticated session that exchanges nothing is closed after idleSessionMs; one holding a reference stays', async t => {
  const bob = await fixtureVat(t, { limits: { idleSessionMs: 1_500 } });
  const alice = await testVat(t);
  const control = await alice.fetch<{ echo(x: string): string }>(String(bob.ready.control));
  const { credentials } = loadOrCreateIdentity(tempDir(t));
  const ws = new WebSocket(`wss://${bob.address}/`, tlsOptions(credentials));
  ws.on('error', () => {});
  await once(ws, 'open');
  const [code, reason] = await once(ws, 'close');
  t.is(code, 4000);
  t.is(String(reason), 'idle');
  const before = alice.stats().peers.find(p => p.peer === bob.vatId)!;
  t.is(await E(control).echo('still here'), 'still here');
  const after = alice.stats().peers.find(p => p.peer === bob.vatId)!;
  t.true(after.framesReceived > before.framesReceived, 'on the same session: it was not closed');
});

/** An authenticated WebSocket from a fresh identity that never sends a frame. */
const emptySession = async (t: Parameters<typeof tempDir>[0], address: string) => {
  const { credentials } = loadOrCreateIdentity(tempDir(t));
  const ws = new WebSocket(`wss://${address}/`, tlsOptions(credentials));
  ws.on('error', () => {});
  // Not events.once: a refused upgrade emits 'error', which would reject it.
  const closed = new Promise<string>(resolve =>
    ws.once('close', (code, reason) => resolve(`${code} ${String(reason)}`)),
  );
  const opened = await new Promise<boolean>(resolve => {
    ws.once('open', () => resolve(true));
    ws.once('close', () => resolve(false));
  });
  return { opened, closed };
};

test('a full session table evicts the empty session idle longest for a newcomer; sessions holding references stay', async t => {
  const bob = await fixtureVat(t, { limits: { maxSessions: 4 } });
  const alice = await testVat(t);
  const aliceControl = await alice.fetch<{ echo(x: string): string }>(String(bob.ready.control));
  const strangers = [];
  for (let i = 0; i < 3; i += 1) strangers.push(await emptySession(t, bob.address));
  t.true(
    strangers.every(s => s.opened),
    'alice and three strangers fill the table',
  );
  const carol = await testVat(t);
  const carolControl = await carol.fetch<{ echo(x: string): string }>(String(bob.ready.control));
  t.is(await E(carolControl).echo('let me in'), 'let me in');
  t.is(await strangers[0]!.closed, '4000 evicted', 'the stranger idle longest made room');
  t.is(
    await E(aliceControl).echo('still here'),
    'still here',
    'alice, who holds a reference, kept hers',
  );
  // Two more newcomers who each hold a reference: then nothing can make room.
  for (const _ of [0, 1]) {
    const vat = await testVat(t);
    t.is(
      await E(await vat.fetch<{ echo(x: string): string }>(String(bob.ready.control))).echo('in'),
      'in',
    );
  }
  const refused = await emptySession(t, bob.address);
  t.false(refused.opened, 'every session holds references: the next is refused (503)');
  t.is(await E(aliceControl).echo('and still'), 'and still');
});
