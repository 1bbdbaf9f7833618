// Vats behind NAT (docs/protocol.md §2.8), in network namespaces this test
// makes (harness/netns.ts): a room host and relays on the public side, Alice
// and Bob at two homes behind masquerading routers, each holding a
// reservation at the relays. Neither home can dial the other, so what they
// say crosses a relay, whose forwarded bytes (recorded by a proxy in front of
// it) never contain a line's text; a home cut off and back, a relay killed,
// and 80 ms each way lose nothing. Needs root: skipped, saying why, otherwise.
import test from '@endo/ses-ava/prepare-endo.js';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { askVat } from '../../demo-community/daemon/console-client.js';
import type { RelayStats } from '../../captp-transport/index.js';
import type { VatStats } from '../../vat/index.js';
import { childVat, FIXTURE_VAT, ROOM_VAT, tempDir } from '../helpers.js';
import { makeNet, namespacesUnavailable, wireProxy, type NatKind } from '../../harness/netns.js';

const BRIDGE_VAT = fileURLToPath(new URL('../fixtures/bridge-vat.ts', import.meta.url));
const MODERATION_VAT = fileURLToPath(new URL('../fixtures/moderation-vat.ts', import.meta.url));
const unavailable = namespacesUnavailable();
if (unavailable) console.warn(`test/reach skipped: ${unavailable}`);
const nsTest = unavailable ? test.skip : test.serial;

/** A room and its two homes; `call` reaches any control ref through a bridge vat on the public side. */
const twoHomes = async (
  t: Parameters<typeof tempDir>[0],
  opts: {
    nat?: NatKind;
    homeLimits?: Record<string, number>;
    relays?: number;
    /** Added by the wire proxy between the homes and the first relay, each way. */
    delayMs?: number;
    /** The host: a room vat, or the moderation fixture (an operator hosting a moderated lobby). */
    hostProgram?: string;
    /**
     * Whether the homes reach the first relay through the wire proxy (to
     * record what it forwards). Through it the relay sees the proxy's address
     * instead of the homes', so it cannot tell them where to punch.
     */
    recorded?: boolean;
  } = {},
) => {
  const {
    nat = 'masquerade',
    homeLimits = {},
    relays: relayCount = 1,
    delayMs = 0,
    hostProgram = ROOM_VAT,
    recorded = true,
  } = opts;
  const net = makeNet(t, nat);
  const pub = net.publicAddress;
  const relays = await Promise.all(
    Array.from({ length: relayCount }, () =>
      childVat(t, { program: FIXTURE_VAT, netns: net.pub, listen: `${pub}:0`, args: ['--relay'] }),
    ),
  );
  const relay = relays[0]!;
  // The homes reach the relay through a wire proxy that keeps what the relay forwards.
  const wire = await wireProxy(t, net.pub, {
    listen: `${pub}:0`,
    to: relay.address,
    record: join(tempDir(t), 'relay-wire'),
    delayMs,
  });
  const [host, bridge] = await Promise.all(
    [hostProgram, BRIDGE_VAT].map(program =>
      childVat(t, { program, netns: net.pub, listen: `${pub}:0` }),
    ),
  );
  const home = (netns: string, address: string) =>
    childVat(t, {
      program: ROOM_VAT,
      netns,
      listen: `${address}:0`,
      args: [
        ...[
          recorded ? wire.address : relay.address,
          ...relays.slice(1).map(r => r.address),
        ].flatMap(a => ['--via-relay', a]),
        '--limits',
        JSON.stringify(homeLimits),
      ],
    });
  const [alice, bob] = await Promise.all([
    home(net.homeA, net.homeAddress.a),
    home(net.homeB, net.homeAddress.b),
  ]);
  const call = (vat: { ready: Record<string, unknown> }, method: string, ...args: unknown[]) =>
    askVat(bridge.dataDir, 'call', { ref: String(vat.ready.control), method, args }) as Promise<
      Record<string, unknown>
    >;
  return { net, relays, relay, wire, host, alice, bob, call };
};

/** How the session between two home vats was opened, as the one that dialed says (the other says inbound). */
const pathBetween = async (
  call: Awaited<ReturnType<typeof twoHomes>>['call'],
  a: { vatId: string; ready: Record<string, unknown> },
  b: { vatId: string; ready: Record<string, unknown> },
) => {
  const pathTo = async (from: typeof a, to: typeof b) =>
    ((await call(from, 'vatStats')) as unknown as VatStats).peers.find(p => p.peer === to.vatId)
      ?.path;
  return [await pathTo(a, b), await pathTo(b, a)].find(p => p !== 'inbound');
};

/** Alice and Bob join, say a line each and whisper one; returns the lines. */
const chat = async (
  call: Awaited<ReturnType<typeof twoHomes>>['call'],
  { host, alice, bob }: Pick<Awaited<ReturnType<typeof twoHomes>>, 'host' | 'alice' | 'bob'>,
) => {
  const { invite } = await call(host, 'createRoom', 'lobby');
  await call(alice, 'join', invite, 'alice');
  await call(bob, 'join', invite, 'bob');
  const lines = {
    alice: 'alice from home A: the kettle is on',
    bob: 'bob from home B: two sugars please',
    whisper: 'alice to bob alone: the spare key is under the mat',
  };
  await call(alice, 'say', lines.alice);
  await call(bob, 'waitFor', 'message', { text: lines.alice });
  await call(bob, 'say', lines.bob);
  await call(alice, 'waitFor', 'message', { text: lines.bob });
  await call(alice, 'whisper', bob.vatId, lines.whisper);
  await call(bob, 'waitFor', 'message', { text: lines.whisper, whisper: true });
  return lines;
};

nsTest(
  'behind fully-random NAT at both homes: chat and a whisper go through the relay, which reads none of it',
  async t => {
    const homes = await twoHomes(t, { nat: 'fully-random' });
    const { relay, wire, alice, bob, call } = homes;
    const lines = await chat(call, homes);
    t.is(
      await pathBetween(call, alice, bob),
      'relay',
      'each connection gets a random port: no punch',
    );
    const stats = (await call(relay, 'stats')).relay as RelayStats;
    t.is(stats.reservations, 2, 'both homes hold a reservation');
    t.true(stats.circuitsOpened >= 1);
    const bytes = wire.recorded();
    t.true(bytes.includes('stoa-relay/1\n'), 'the wire holds the relay handshake in the clear');
    t.true(bytes.length >= stats.bytesForwarded, 'and every byte the relay forwarded');
    for (const text of Object.values(lines))
      t.false(bytes.includes(text), `but no line's text: ${text}`);
  },
);

nsTest(
  'behind masquerade NAT at both homes: the relay introduces them, and they punch a direct connection',
  async t => {
    // The homes reach the relay itself, so it sees (and passes on) where they are.
    const homes = await twoHomes(t, { nat: 'masquerade', recorded: false });
    const { relay, alice, bob, call } = homes;
    await chat(call, homes);
    t.is(await pathBetween(call, alice, bob), 'punched', 'the public port is the local one');
    // (The test's bridge, on the public side, may still reach the homes through it.)
    t.true(((await call(relay, 'stats')).relay as RelayStats).circuitsOpened >= 1);
  },
);

nsTest(
  'home B cut off and back: the lines said meanwhile reach it, none lost, each once',
  async t => {
    // Sessions declare a silent peer gone after two 1 s heartbeats, so the cut breaks them.
    const { net, host, alice, bob, call } = await twoHomes(t, {
      homeLimits: { heartbeatMs: 1_000 },
    });
    const { invite } = await call(host, 'createRoom', 'lobby');
    await call(alice, 'join', invite, 'alice');
    await call(bob, 'join', invite, 'bob');
    await call(alice, 'say', 'before the cut');
    await call(bob, 'waitFor', 'message', { text: 'before the cut' });

    const broken = call(alice, 'sessionEnded', bob.vatId);
    net.cutOff('b', true);
    const during = ['while bob is away 1', 'while bob is away 2', 'while bob is away 3'];
    for (const text of during) await call(alice, 'say', text);
    t.regex(
      String(await broken),
      /heartbeat-lost|connection-lost/,
      "alice's session with bob broke",
    );
    net.cutOff('b', false);
    await call(alice, 'say', 'after the cut');
    for (const text of [...during, 'after the cut'])
      await call(bob, 'waitFor', 'message', { text }, 30_000);
    const texts = ((await call(bob, 'events', 'message')) as unknown as { text: string }[]).map(
      m => m.text,
    );
    t.deepEqual(
      texts.filter(x => x !== 'before the cut').sort(),
      [...during, 'after the cut'].sort(),
      'every line once',
    );
  },
);

nsTest(
  'the relay the homes talk through is killed: they move to their second relay, no line lost',
  async t => {
    // fully-random NAT: no punched path, the homes need a relay.
    const { relays, host, alice, bob, call } = await twoHomes(t, {
      nat: 'fully-random',
      relays: 2,
    });
    const { invite } = await call(host, 'createRoom', 'lobby');
    await call(alice, 'join', invite, 'alice');
    await call(bob, 'join', invite, 'bob');
    await call(alice, 'say', 'through the first relay');
    await call(bob, 'waitFor', 'message', { text: 'through the first relay' });
    // The homes' circuit, and the bridge's to each home.
    t.is(((await call(relays[0]!, 'stats')).relay as RelayStats).circuits, 3);

    await relays[0]!.kill();
    const after = ['after the first relay died 1', 'after the first relay died 2'];
    for (const text of after) await call(alice, 'say', text);
    for (const text of after) await call(bob, 'waitFor', 'message', { text }, 30_000);
    t.true(((await call(relays[1]!, 'stats')).relay as RelayStats).circuitsOpened >= 1);
    const texts = ((await call(bob, 'events', 'message')) as unknown as { text: string }[]).map(
      m => m.text,
    );
    t.deepEqual(texts, ['through the first relay', ...after], 'each line once, in order');
  },
);

nsTest(
  '80 ms each way between the homes and the relay: chat, a whisper and a report still work',
  async t => {
    const { host, alice, bob, call } = await twoHomes(t, {
      nat: 'fully-random', // no punched path: the delayed relay carries it all
      delayMs: 80,
      hostProgram: MODERATION_VAT,
    });
    const invite = (await call(host, 'invite')) as unknown as string;
    await call(alice, 'join', invite, 'alice');
    await call(bob, 'join', invite, 'bob');
    const insult = 'you are a fraud, send me your password';
    await call(alice, 'say', insult);
    await call(bob, 'waitFor', 'message', { text: insult });
    await call(bob, 'whisper', alice.vatId, 'I am reporting that');
    await call(alice, 'waitFor', 'message', { text: 'I am reporting that', whisper: true });
    // Bob's report carries alice's line as she signed it; the operator verifies it.
    const result = await call(bob, 'report', 'scam', [insult]);
    t.is(result.verdict, 'verified');
  },
);
