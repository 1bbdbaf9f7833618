// The surfaces fuzzed over real connections: CapTP frames through an
// authenticated session to a vat in its own process; HTTP paths and methods
// and page WebSocket commands to a vat's page server; console commands on its
// console socket. Each case's outcome is the `[code]` it was refused with (or
// `accepted`); after the cases, an honest request must still be answered.
import { E } from '@endo/far';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { tlsOptions } from '../../captp-transport/credentials.js';
import { signRelayRequest } from '../../captp-transport/relay-wire.js';
import { consolePath, serveConsole } from '../../demo-community/daemon/console-server.js';
import { makeRoomDesk } from '../../demo-community/daemon/room-desk.js';
import { serveWeb } from '../../demo-community/web/web-server.js';
import { spawnVat } from '../../harness/spawn-vat.js';
import { formatRef, loadOrCreateIdentity, parseRef, startVat } from '../../vat/index.js';
import { FIXTURE_VAT } from '../helpers.js';
import { codeOf, type Surface } from './decoders.js';
import { edgyJson, mutations } from './mutate.js';

export const scratch = () => mkdtempSync(join(tmpdir(), 'stoa-fuzz-'));

const CALL = {
  type: 'CTP_CALL',
  epoch: 0,
  questionID: 'q-1',
  target: 'o-0',
  method: { body: '["echo",["hi"]]', slots: [] },
};
const { questionID: _none, ...ONE_WAY_CALL } = CALL; // E.sendOnly: no question, no return
const FRAMES = [
  CALL,
  ONE_WAY_CALL,
  { type: 'CTP_BOOTSTRAP', epoch: 0, questionID: 'q-1' },
  { type: 'CTP_RETURN', epoch: 0, answerID: 'q-1', result: { body: '1', slots: [] } },
  { type: 'CTP_RESOLVE', promiseID: 'p-1', res: { body: '1', slots: [] } },
  { type: 'CTP_DROP', slotID: 'o-1', decRefs: 1 },
  { type: 'CTP_DROP', slotID: 'q-1', drops: ['q-2', 'q-3'] },
  { ...CALL, questionID: 'q-2', drops: ['q-1'] },
];

/** A CapTP session opened by hand, numbering its own questions, reopened when the vat closes it. */
const rawSession = (
  address: string,
  credentials: ReturnType<typeof loadOrCreateIdentity>['credentials'],
) => {
  let ws: WebSocket | undefined;
  let question = 0;
  let closedWith: string | undefined;
  const open = async () => {
    ws = new WebSocket(`wss://${address}/`, tlsOptions(credentials));
    ws.on('error', () => {});
    question = 0;
    closedWith = undefined;
    ws.on('close', (_code, reason) => {
      closedWith ??= String(reason) || 'closed';
    });
    ws.on('message', data => {
      const frame = JSON.parse(String(data)) as { type?: string; reason?: string };
      if (frame.type === 'CTP_DISCONNECT')
        closedWith = /^\[([a-z-]+)\]/.exec(String(frame.reason))?.[1];
    });
    await new Promise((resolve, reject) => {
      ws!.once('open', resolve);
      ws!.once('close', reject);
    });
  };
  /** Sends `text`, then a bootstrap question: the session answers it, or has ended with a code. */
  const probe = async (text: string | Buffer): Promise<string> => {
    if (!ws || ws.readyState !== ws.OPEN) await open();
    const socket = ws!;
    socket.send(text);
    question += 1000; // past any question number the case used
    const id = `q-${question}`;
    return new Promise<string>(resolve => {
      const onMessage = (data: unknown) => {
        const frame = JSON.parse(String(data)) as { type?: string; answerID?: string };
        if (frame.type === 'CTP_RETURN' && frame.answerID === id) done('accepted');
      };
      const done = (result: string) => {
        socket.off('message', onMessage);
        socket.off('close', onClose);
        resolve(result);
      };
      const onClose = () => done(closedWith ?? 'closed');
      socket.on('message', onMessage);
      socket.on('close', onClose);
      if (socket.readyState === socket.OPEN)
        socket.send(JSON.stringify({ type: 'CTP_BOOTSTRAP', epoch: 0, questionID: id }));
      else onClose();
    });
  };
  return { probe, close: () => ws?.terminate() };
};

export const captpSurface = async (): Promise<Surface> => {
  const dir = scratch();
  const vat = await spawnVat({ program: FIXTURE_VAT, dataDir: join(dir, 'vat') });
  const session = rawSession(vat.address, loadOrCreateIdentity(join(dir, 'mallory')).credentials);
  const frame = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...FRAMES)
        .chain(f => mutations(f as never))
        .map(f => JSON.stringify(f)),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map(b => Buffer.from(b)) },
  );
  return {
    name: 'captp session',
    arbitrary: frame,
    run: input => session.probe(input as string | Buffer),
    async alive() {
      const carol = await startVat({ dataDir: join(dir, 'carol') });
      try {
        const control = await carol.fetch<{ echo(x: string): string }>(String(vat.ready.control));
        return (await E(control).echo('still here')) === 'still here';
      } finally {
        await carol.close();
      }
    },
    async close() {
      session.close();
      await vat.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** One relay conversation: what a stranger sends, and the relay's first answer after its nonce. */
type RelayCase =
  | { kind: 'raw'; bytes: Buffer }
  | { kind: 'line'; line: string }
  | { kind: 'signed'; op: 'reserve' | 'connect' | 'accept' | 'connect-stranger' };

const relayCase: fc.Arbitrary<RelayCase> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map(b => ({ kind: 'raw' as const, bytes: Buffer.from(b) })),
  fc
    .constantFrom<object>(
      { op: 'reserve', vat: 'x', sig: '' },
      { op: 'connect', vat: 'x', to: 'y', sig: '' },
      { op: 'accept', vat: 'x', circuit: 'EREREREREREREREREREREQ', sig: '' },
    )
    .chain(doc => mutations(doc as never))
    .map(doc => ({ kind: 'line' as const, line: JSON.stringify(doc) })),
  fc.string({ unit: 'binary', maxLength: 300 }).map(line => ({ kind: 'line' as const, line })),
  fc
    .constantFrom('reserve', 'connect', 'accept', 'connect-stranger')
    .map(op => ({ kind: 'signed' as const, op }) as RelayCase),
);

/** A relay vat, and a vat reserved at it; the cases come from a stranger with a key of its own. */
export const relaySurface = async (): Promise<Surface> => {
  const dir = scratch();
  const relay = await spawnVat({
    program: FIXTURE_VAT,
    dataDir: join(dir, 'relay'),
    args: ['--relay'],
  });
  const bob = await spawnVat({
    program: FIXTURE_VAT,
    dataDir: join(dir, 'bob'),
    args: ['--via-relay', relay.address],
  });
  const mallory = await startVat({ dataDir: join(dir, 'mallory') });
  const [host, port] = relay.address.split(':') as [string, string];
  const converse = (input: RelayCase) =>
    new Promise<string>(resolve => {
      const socket = netConnect(Number(port), host);
      const lines = createInterface({ input: socket });
      const timer = setTimeout(() => finish('silent'), 5_000);
      const finish = (outcome: string) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(outcome);
      };
      socket.on('error', () => finish('closed'));
      socket.on('close', () => finish('closed'));
      let nonce: string | undefined;
      lines.on('line', line => {
        let said: { nonce?: string; ok?: boolean; code?: string };
        try {
          said = JSON.parse(line);
        } catch {
          finish('not-json'); // a TLS alert, when the bytes began as TLS does
          return;
        }
        if (nonce === undefined && typeof said.nonce === 'string') {
          nonce = said.nonce;
          const request =
            input.kind === 'signed' ? signedFor(input, nonce) : (input as { line: string }).line;
          socket.write(`${request}\n`);
        } else finish(said.ok ? 'accepted' : String(said.code));
      });
      // Raw bytes end the stream, so the relay (or TLS) answers at once rather than waiting them out.
      if (input.kind === 'raw') socket.end(input.bytes);
      else socket.write('stoa-relay/1\n');
    });
  const signedFor = (input: Extract<RelayCase, { kind: 'signed' }>, nonce: string) =>
    JSON.stringify(
      signRelayRequest(
        input.op === 'reserve'
          ? { op: 'reserve', vat: mallory.id }
          : input.op === 'accept'
            ? { op: 'accept', vat: mallory.id, circuit: 'EREREREREREREREREREREQ' }
            : {
                op: 'connect',
                vat: mallory.id,
                to: input.op === 'connect' ? bob.vatId : relay.vatId,
              },
        nonce,
        mallory.sign,
      ),
    );
  return {
    name: 'relay request',
    arbitrary: relayCase,
    run: input => converse(input as RelayCase),
    async alive() {
      const carol = await startVat({ dataDir: join(dir, 'carol') });
      try {
        const uri = formatRef({
          ...parseRef(String(bob.ready.control)),
          addresses: [{ via: 'relay', host, port: Number(port) }],
        });
        const control = await carol.fetch<{ echo(x: string): string }>(uri);
        return (await E(control).echo('still here')) === 'still here';
      } finally {
        await carol.close();
      }
    },
    async close() {
      await mallory.close();
      await bob.stop();
      await relay.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** A vat's desk with one hosted room, as `stoa vat start` serves it; commands that make rooms or stream are left out. */
const deskOf = async (dir: string) => {
  const vat = await startVat({ dataDir: dir });
  const desk = makeRoomDesk(vat);
  await desk.handlers['room.create']!({ name: 'lobby' }, () => {}, new Promise(() => {}));
  const { 'room.create': _create, 'room.watch': _watch, ...handlers } = desk.handlers;
  return { vat, desk, handlers };
};
/** The argument names the room desk's commands read. */
const DESK_ARGS = [
  'room',
  'text',
  'to',
  'name',
  'ids',
  'limit',
  'invite',
  'category',
  'note',
  'ruleset',
];

/** A command line for `names`: args named from `keys`, valued edgy JSON or one of `known` (real ids, so deep paths are reached). */
export const commandArb = (names: string[], keys: string[] = DESK_ARGS, known: unknown[] = []) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({
          id: fc.oneof(fc.nat(), edgyJson),
          cmd: fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 20 }), edgyJson),
          args: fc.oneof(
            fc.dictionary(
              fc.constantFrom(...keys),
              known.length ? fc.oneof(edgyJson, fc.constantFrom(...known)) : edgyJson,
            ),
            edgyJson,
          ),
        })
        .map(r => JSON.stringify(r)),
    },
    { weight: 1, arbitrary: edgyJson.map(j => JSON.stringify(j)) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).filter(s => !s.includes('\n')),
    },
  );
/** The outcome of one console or page answer. */
export const outcomeOf = (reply: { ok?: boolean; error?: string }) =>
  reply.ok ? 'accepted' : codeOf(Error(reply.error));

/** The page's WebSocket under `url` (with its Origin), opened again when it closed. */
export const pageSocket = (url: string) => {
  let ws: WebSocket | undefined;
  const socket = async () => {
    if (ws && ws.readyState === ws.OPEN) return ws;
    ws = new WebSocket(`${url.replace('http:', 'ws:')}ws`, { origin: new URL(url).origin });
    ws.on('error', () => {});
    await new Promise((resolve, reject) => {
      ws!.once('open', resolve);
      ws!.once('error', reject);
    });
    return ws;
  };
  return { socket, close: () => ws?.terminate() };
};

export const nextMessage = (ws: WebSocket) =>
  new Promise<unknown>(resolve => ws.once('message', data => resolve(data)));

export const pageSurfaces = async (): Promise<Surface[]> => {
  const dir = scratch();
  const { vat, desk, handlers } = await deskOf(dir);
  const web = await serveWeb({ page: 'participant', title: 'fuzz', handlers });
  const { host, port } = new URL(web.url);
  const token = new URL(web.url).pathname.split('/')[1]!;
  const { socket, close: closeSocket } = pageSocket(web.url);
  const rawHttp = (method: string, path: string) =>
    new Promise<string>((resolve, reject) => {
      const conn = netConnect(Number(port), '127.0.0.1');
      let text = '';
      conn.on('data', chunk => (text += chunk));
      conn.on('end', () => resolve(text));
      conn.on('error', reject);
      conn.write(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
  const segment = fc.oneof(
    fc.constantFrom(
      '..',
      '%2e%2e',
      '.',
      '',
      'constructor',
      'toString',
      '__proto__',
      'hasOwnProperty',
      'ws',
      'style.css',
      'participant.js',
      '%00',
      '\\',
    ),
    fc.stringMatching(/^[A-Za-z0-9%._~-]{0,20}$/),
  );
  const http: Surface<[string, string]> = {
    name: 'http path and method',
    arbitrary: fc.tuple(
      fc.oneof(
        fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'),
        fc.stringMatching(/^[A-Z]{1,10}$/),
      ),
      fc
        .tuple(fc.boolean(), fc.array(segment, { maxLength: 6 }))
        .map(([withToken, parts]) => `/${withToken ? `${token}/` : ''}${parts.join('/')}`),
    ),
    async run([method, path]) {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(await rawHttp(method, path))?.[1] ?? 'none';
      if (status.startsWith('5')) throw Error(`server error ${status} for ${method} ${path}`);
      return status === '200' ? 'accepted' : `http-${status}`;
    },
    alive: async () => /^HTTP\/1\.1 200/.test(await rawHttp('GET', `/${token}/`)),
  };
  const page: Surface<string> = {
    name: 'page websocket command',
    arbitrary: commandArb(Object.keys(handlers)),
    async run(message) {
      const open = await socket();
      open.send(message);
      const data = await nextMessage(open);
      return outcomeOf(JSON.parse(String(data)));
    },
    async alive() {
      const open = await socket();
      open.send(JSON.stringify({ id: 1, cmd: 'rooms', args: {} }));
      const data = await nextMessage(open);
      return JSON.parse(String(data)).ok === true;
    },
    async close() {
      closeSocket();
      await web.close();
      desk.close();
      await vat.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return [http as Surface, page as Surface];
};

export const consoleSurface = async (): Promise<Surface> => {
  const dir = scratch();
  const { vat, desk, handlers } = await deskOf(dir);
  const server = await serveConsole(dir, handlers);
  const conn = netConnect(consolePath(dir));
  const replies = createInterface({ input: conn });
  const next = () => new Promise<string>(resolve => replies.once('line', resolve));
  const ask = async (line: string) => {
    conn.write(`${line}\n`);
    return JSON.parse(await next());
  };
  await new Promise(resolve => conn.once('connect', resolve));
  return {
    name: 'console command',
    arbitrary: commandArb(Object.keys(handlers)),
    run: async line => outcomeOf(await ask(line as string)),
    alive: async () => (await ask(JSON.stringify({ cmd: 'rooms', args: {} }))).ok === true,
    async close() {
      conn.destroy();
      server.close();
      desk.close();
      await vat.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
