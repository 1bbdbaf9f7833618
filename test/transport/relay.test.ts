// Relays (docs/protocol.md §2.8), on 127.0.0.1 with every vat in its own
// process: a vat holding a reservation is reached through the relay by a ref
// that names only the relay; the relay forwards TLS it cannot read; it refuses
// what it does not give with a named code; a vat reserved at two relays is
// reached through the second when the first is gone; a path that answers
// with another vat's key is passed over for the next address.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { once } from 'node:events';
import { createServer, connect as tcpConnect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import {
  formatAddress,
  parseAddress,
  type PeerAddress,
  type RelayStats,
} from '../../captp-transport/index.js';
import type { VatStats } from '../../vat/index.js';
import { formatRef, parseRef } from '../../vat/sturdy-ref.js';
import { fixtureVat, testVat } from '../helpers.js';

type Fixture = {
  echo(x: unknown): unknown;
  stats(): VatStats;
  fetchAndEcho(ref: string, x: unknown): unknown;
};

// On one machine a punch may or may not win the race against the circuit: these tests keep to the relay.
const NO_PUNCH = { holePunching: false };

const relayOf = (address: string): PeerAddress => ({ ...parseAddress(address), via: 'relay' });

/** The same ref, dialed only at `addresses`. */
const refVia = (uri: string, addresses: PeerAddress[]) =>
  formatRef({ ...parseRef(uri), addresses });

/** A TCP proxy in front of `to` that keeps every byte it passes, both ways. */
const tap = async (t: Parameters<typeof testVat>[0], to: PeerAddress) => {
  const seen: Buffer[] = [];
  const server = createServer(client => {
    const upstream = tcpConnect(to.port, to.host);
    for (const [from, into] of [
      [client, upstream],
      [upstream, client],
    ] as [Socket, Socket][]) {
      from.on('data', chunk => {
        seen.push(chunk);
        into.write(chunk);
      });
      from.on('error', () => into.destroy());
      from.on('close', () => into.destroy());
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  return { address: { via: 'relay', host: '127.0.0.1', port } as PeerAddress, seen };
};

test('a reserved vat is reached through a relay, which forwards only ciphertext', async t => {
  const relay = await fixtureVat(t, { args: ['--relay'] });
  const bob = await fixtureVat(t, { args: ['--via-relay', relay.address] });
  const bobControl = String(bob.ready.control);
  t.deepEqual(
    parseRef(bobControl).addresses.map(formatAddress),
    [bob.address, `relay:${relay.address}`],
    "bob's refs name his own address, then the relay",
  );
  const bobStats = await E(await (await testVat(t, NO_PUNCH)).fetch<Fixture>(bobControl)).stats();
  t.like(bobStats.reservations[0], { state: 'reserved', relay: relayOf(relay.address) });

  const wire = await tap(t, relayOf(relay.address));
  const alice = await testVat(t, NO_PUNCH);
  const secret = 'a line no relay may read';
  const bobViaRelay = await alice.fetch<Fixture>(refVia(bobControl, [wire.address]));
  t.is(await E(bobViaRelay).echo(secret), secret);

  const relayStats = (await E(await alice.fetch<Fixture>(String(relay.ready.control))).stats())
    .relay as RelayStats;
  t.like(relayStats, { reservations: 1, circuits: 1, circuitsOpened: 1 });
  const bytes = Buffer.concat(wire.seen);
  t.true(bytes.includes('stoa-relay/1\n'), 'the tap saw the relay handshake in the clear');
  t.true(bytes.includes(Buffer.from([0x17, 0x03, 0x03])), 'then TLS application records');
  t.false(bytes.includes(secret), 'and never the text inside them');
  t.true(relayStats.bytesForwarded >= bytes.length - 2048, 'the relay counted what it forwarded');
});

test('a relay refuses with a named code: no reservation, too many circuits, a forged request', async t => {
  const relay = await fixtureVat(t, {
    args: ['--relay-limits', JSON.stringify({ maxCircuitsPerVat: 1 })],
  });
  const bob = await fixtureVat(t, { args: ['--via-relay', relay.address] });
  const carol = await fixtureVat(t);
  const viaRelay = (uri: string) => refVia(uri, [relayOf(relay.address)]);

  const alice = await testVat(t, NO_PUNCH);
  const none = await t.throwsAsync(alice.fetch(viaRelay(String(carol.ready.control))));
  t.regex(
    none!.message,
    new RegExp(
      `^\\[no-reservation\\] vat ${carol.vatId.slice(0, 8)} at relay:${relay.address}: relay \\w{8}: vat ${carol.vatId.slice(0, 8)} holds no reservation here`,
    ),
  );

  t.is(await E(await alice.fetch<Fixture>(viaRelay(String(bob.ready.control)))).echo(1), 1);
  const dave = await testVat(t, NO_PUNCH);
  const busy = await t.throwsAsync(dave.fetch(viaRelay(String(bob.ready.control))));
  t.regex(busy!.message, /^\[relay-busy\] .*carries 1 circuits to vat \w{8}, its most/);

  // A reservation for bob signed by someone else's key.
  const socket = tcpConnect(parseAddress(relay.address).port, '127.0.0.1');
  const lines = createInterface({ input: socket });
  const next = () => once(lines, 'line').then(([line]) => JSON.parse(line as string));
  socket.write('stoa-relay/1\n');
  const { nonce } = await next();
  t.regex(nonce, /^[A-Za-z0-9_-]{22}$/);
  const sig = Buffer.from(alice.sign(Buffer.from(`stoa/relay/v1\nreserve\n\n${nonce}`)));
  socket.write(
    `${JSON.stringify({ op: 'reserve', vat: bob.vatId, sig: sig.toString('base64url') })}\n`,
  );
  t.like(await next(), { ok: false, code: 'relay-auth' });
  socket.destroy();

  const stats = (await E(await alice.fetch<Fixture>(String(relay.ready.control))).stats())
    .relay as RelayStats;
  t.deepEqual(stats.refused, { 'no-reservation': 1, 'relay-busy': 1, 'relay-auth': 1 });
  t.is(stats.reservations, 1, "bob's reservation stands");
});

test('a vat reserved at two relays is reached through the second when the first is gone', async t => {
  const first = await fixtureVat(t, { args: ['--relay'] });
  const second = await fixtureVat(t, { args: ['--relay'] });
  const bob = await fixtureVat(t, {
    args: ['--via-relay', first.address, '--via-relay', second.address],
  });
  const uri = refVia(String(bob.ready.control), [relayOf(first.address), relayOf(second.address)]);
  const alice = await testVat(t, NO_PUNCH);
  const viaFirst = await alice.fetch<Fixture>(uri);
  t.is(await E(viaFirst).echo('one'), 'one');
  const broken = new Promise<Error>(resolve => alice.onBroken(viaFirst, resolve));
  await first.kill();
  await broken;
  const viaSecond = await alice.fetch<Fixture>(uri);
  t.is(await E(viaSecond).echo('two'), 'two');
  const stats = (await E(viaSecond).stats()).reservations;
  t.is(stats[0]!.state === 'reserved', false, 'the first relay is lost');
  t.is(stats[1]!.state, 'reserved');
});

test('an address that answers with another key is passed over for the next', async t => {
  const relay = await fixtureVat(t, { args: ['--relay'] });
  const bob = await fixtureVat(t, { args: ['--via-relay', relay.address] });
  const mallory = await fixtureVat(t);
  // Bob's ref as a LAN collision would make it: his private address is mallory's here.
  const uri = refVia(String(bob.ready.control), [
    parseAddress(mallory.address),
    relayOf(relay.address),
  ]);
  const alice = await fixtureVat(t, { args: ['--no-punch'] });
  const aliceControl = await (await testVat(t, NO_PUNCH)).fetch<Fixture>(
    String(alice.ready.control),
  );
  t.is(await E(aliceControl).fetchAndEcho(uri, 'through'), 'through');
});
