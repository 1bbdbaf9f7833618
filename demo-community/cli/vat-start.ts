// `stoa vat start`: run a vat until SIGINT/SIGTERM, announcing readiness as
// one JSON line on stdout for scripts and tests.
import { installLastResort, makeEcho, startVat, type Vat } from '../../vat/index.js';
import { dataDirOf, listenOf, parseOptions, untilStopped, type Command } from './command.js';
import { serveConsole } from '../daemon/console-server.js';
import { makeRoomDesk } from '../daemon/room-desk.js';
import { makePuzzleDesk } from '../daemon/puzzle-desk.js';
import { serveWeb, type WebServer } from '../web/web-server.js';
import { makeWebToken, readWebAddress, saveWebAddress } from '../web/web-address.js';
import { askVat } from '../daemon/console-client.js';
import { startDetached } from './detach.js';
import { terminalJson } from './terminal-text.js';

export const vatStartCommand: Command = {
  usage:
    '[--data DIR] [--listen HOST:PORT] [--advertise HOST] [--relay] [--via-relay HOST:PORT]... [--web-port N | --no-web] [--echo] [--detach]',
  summary:
    'Runs a vat (default 127.0.0.1, last port or any) until SIGINT/SIGTERM. Prints {"event":"ready",...} when ready.\n' +
    '      Other stoa commands (room, rooms, say, whisper, history) act through it over DIR/console.sock (owner only);\n' +
    '      it hosts and joins again, when restarted, the rooms it hosted and joined;\n' +
    '      it serves its web page on 127.0.0.1 (--web-port, default its last port or any) behind a token kept in DIR/web.json\n' +
    '      (owner only), so the address outlives a restart: it is in the ready line, `stoa web` prints it and\n' +
    '      `stoa web --new-token` replaces it; --no-web serves none;\n' +
    '      --advertise names the host peers dial (needed with --listen 0.0.0.0:PORT);\n' +
    '      --relay also relays, on the same port, for vats that cannot be dialed (it forwards their TLS and sees only ciphertext);\n' +
    '      --via-relay (up to 3 times) keeps a reservation at a relay, for a vat behind NAT: its references then name the relay\n' +
    '      after its own address, and peers that cannot dial it reach it through the relay (see: stoa vat reach);\n' +
    '      --echo also exports a diagnostic object whose echo(x) returns x and prints its sturdy ref;\n' +
    '      --detach runs it in the background (output in DIR/vat.log), prints the ready line and returns; stop it with: stoa vat stop.',
  async run(argv) {
    const { values } = parseOptions(argv, {
      data: { type: 'string' },
      listen: { type: 'string' },
      advertise: { type: 'string' },
      relay: { type: 'boolean' },
      'via-relay': { type: 'string', multiple: true },
      echo: { type: 'boolean' },
      'web-port': { type: 'string' },
      'no-web': { type: 'boolean' },
      detach: { type: 'boolean' },
    });
    const webPort = Number(values['web-port'] ?? 0);
    if (!Number.isInteger(webPort) || webPort < 0 || webPort > 65535)
      throw Error(
        `[usage] --web-port takes a port number, got ${JSON.stringify(values['web-port'])}`,
      );
    const { host, port } = listenOf(values.listen);
    const dataDir = dataDirOf(values.data);
    if (values.detach) {
      console.log(await startDetached(argv, dataDir));
      return 0;
    }
    installLastResort('stoa vat start');
    const vat = await startVat({
      dataDir,
      host,
      port,
      ...(values.advertise ? { advertiseHost: values.advertise } : {}),
      relay: values.relay === true,
      relays: values['via-relay'] ?? [],
    });
    // Whatever fails from here on, the port, the lock and the console go with
    // it: the process exits non-zero instead of staying half-started.
    const opened: Array<() => unknown> = [() => vat.close()];
    const closeAll = async () => {
      for (const close of opened.reverse()) await close();
    };
    try {
      await serve(vat, opened, {
        dataDir,
        webPort,
        web: !values['no-web'],
        echo: values.echo === true,
      });
    } catch (error) {
      await closeAll();
      throw error;
    }
    await closeAll();
    console.log(JSON.stringify({ event: 'stopped', vatId: vat.id }));
    return 0;
  },
};

/** Restores the desk, serves the page and the console, says ready, and waits for a stop. */
const serve = async (
  vat: Vat,
  opened: Array<() => unknown>,
  opts: { dataDir: string; webPort: number; web: boolean; echo: boolean },
) => {
  const { dataDir, webPort } = opts;
  const echo = opts.echo ? vat.export(makeEcho(), { name: 'stoa.echo' }) : undefined;
  const desk = makeRoomDesk(vat);
  opened.push(() => desk.close());
  const waiting = await desk.restore();
  for (const room of waiting)
    console.error(
      `stoa vat start: the room ${JSON.stringify(room.name)} (${room.role}) is not up yet: ${room.error}. It is tried again by itself; see: stoa rooms`,
    );
  const puzzles = makePuzzleDesk(vat);
  opened.push(() => puzzles.close());
  for (const puzzle of await puzzles.restore())
    console.error(
      `stoa vat start: the puzzle ${JSON.stringify(puzzle.name)} could not be opened again: ${puzzle.error}. See: stoa puzzles`,
    );
  const handlers = { ...desk.handlers, ...puzzles.handlers };
  const web = !opts.web
    ? undefined
    : await servePage(dataDir, webPort, {
        page: 'participant',
        pages: ['puzzle'],
        title: `Stoa vat ${vat.id.slice(0, 8)}`,
        handlers,
      });
  if (web) opened.push(() => web.close());
  let stopAsked: () => void = () => {};
  const stopRequest = new Promise<void>(resolve => (stopAsked = resolve));
  const consoleServer = await serveConsole(dataDir, {
    ...handlers,
    'vat.stop': async () => {
      setImmediate(stopAsked); // after this answer is written
      return { stopping: vat.id };
    },
    'vat.reach': async () => reachOf(vat),
    'web.url': async () => {
      if (!web) throw Error('[no-web] this vat was started with --no-web');
      return web.url;
    },
    /** A new page token: kept first, then served; the old address stops working now. */
    'web.newToken': async () => {
      const token = makeWebToken();
      saveWebAddress(dataDir, { token, port: web?.port ?? readWebAddress(dataDir)?.port ?? 0 });
      web?.setToken(token);
      return web ? web.url : null;
    },
  });
  opened.push(() => consoleServer.close());
  const stopped = untilStopped(); // listening before we say ready: a signal right after must not kill us
  console.log(
    JSON.stringify({
      event: 'ready',
      vatId: vat.id,
      address: vat.address,
      addresses: vat.addresses,
      ...(web ? { web: web.url } : {}),
      ...(echo ? { echo } : {}),
      ...(waiting.length
        ? { waiting: waiting.map(w => ({ room: w.name, role: w.role, error: w.error })) }
        : {}),
    }),
  );
  await Promise.race([stopped, stopRequest]);
};

/** How peers reach this vat: its addresses, its reservations at relays, and what it relays. */
const reachOf = (vat: Vat) => {
  const { reservations, relay } = vat.stats();
  return {
    addresses: vat.addresses,
    reservations: reservations.map(r => ({
      relay: `${r.relay.host}:${r.relay.port}`,
      state: r.state,
      ...(r.observed ? { observed: r.observed } : {}),
      ...(r.lastError ? { lastError: r.lastError } : {}),
    })),
    relaying: relay ?? false,
  };
};

export const vatReachCommand: Command = {
  usage: '[--data DIR]',
  summary:
    'Prints how peers reach the running vat: the addresses its references name, in the order peers try them,\n' +
    '      each relay it keeps a reservation at (reserved, connecting or lost, and why) and, with --relay, what it relays.',
  async run(argv) {
    const { values } = parseOptions(argv, { data: { type: 'string' } });
    console.log(terminalJson(await askVat(dataDirOf(values.data), 'vat.reach'), 2));
    return 0;
  },
};

/**
 * Serves the page under the kept token (a new one the first time), on
 * `webPort`, else on the port it was last served on when that is free, else
 * on any; keeps the address served, but when the last port was taken keeps
 * hoping for it next time (as the vat does with its own port).
 */
const servePage = async (
  dataDir: string,
  webPort: number,
  options: Omit<Parameters<typeof serveWeb>[0], 'port' | 'token'>,
): Promise<WebServer> => {
  const kept = readWebAddress(dataDir);
  const token = kept?.token ?? makeWebToken();
  const lastPort = webPort === 0 ? (kept?.port ?? 0) : 0;
  let keepPort = true;
  const web = await (lastPort > 0
    ? serveWeb({ ...options, token, port: lastPort }).catch(() => {
        keepPort = false;
        return serveWeb({ ...options, token });
      })
    : serveWeb({ ...options, token, port: webPort }));
  saveWebAddress(dataDir, { token, port: keepPort ? web.port : lastPort });
  return web;
};

export const vatStopCommand: Command = {
  usage: '[--data DIR]',
  summary:
    'Stops the running vat of DIR (started with stoa vat start, in the foreground or --detach) and waits until it has.',
  async run(argv) {
    const { values } = parseOptions(argv, { data: { type: 'string' } });
    const dataDir = dataDirOf(values.data);
    const { stopping } = (await askVat(dataDir, 'vat.stop')) as { stopping: string };
    // Gone once its console no longer answers.
    for (let tries = 0; tries < 200; tries += 1) {
      const up = await askVat(dataDir, 'rooms').then(
        () => true,
        () => false,
      );
      if (!up) {
        console.log(JSON.stringify({ event: 'stopped', vatId: stopping }));
        return 0;
      }
      await new Promise(r => setTimeout(r, 50));
    }
    throw Error(`[still-running] the vat of ${dataDir} did not stop within 10 s`);
  },
};
