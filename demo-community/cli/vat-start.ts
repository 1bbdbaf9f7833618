// `stoa vat start`: run a vat until SIGINT/SIGTERM, announcing readiness as
// one JSON line on stdout for scripts and tests.
import { makeEcho, startVat } from '../../vat/index.js';
import { dataDirOf, listenOf, parseOptions, untilStopped, type Command } from './command.js';
import { serveConsole } from '../daemon/console-server.js';
import { makeRoomDesk } from '../daemon/room-desk.js';

export const vatStartCommand: Command = {
  usage: '[--data DIR] [--listen HOST:PORT] [--advertise HOST] [--echo]',
  summary:
    'Runs a vat (default 127.0.0.1, last port or any) until SIGINT/SIGTERM. Prints {"event":"ready",...} when ready.\n' +
    '      Other stoa commands (room, rooms, say, whisper, history) act through it over DIR/console.sock (owner only);\n' +
    '      it hosts and joins again, when restarted, the rooms it hosted and joined;\n' +
    '      --advertise names the host peers dial (needed with --listen 0.0.0.0:PORT);\n' +
    '      --echo also exports a diagnostic object whose echo(x) returns x and prints its sturdy ref.',
  async run(argv) {
    const { values } = parseOptions(argv, {
      data: { type: 'string' },
      listen: { type: 'string' },
      advertise: { type: 'string' },
      echo: { type: 'boolean' },
    });
    const { host, port } = listenOf(values.listen);
    const dataDir = dataDirOf(values.data);
    const vat = await startVat({ dataDir, host, port, ...(values.advertise ? { advertiseHost: values.advertise } : {}) });
    const echo = values.echo ? vat.export(makeEcho(), { name: 'stoa.echo' }) : undefined;
    const desk = makeRoomDesk(vat);
    await desk.restore();
    const consoleServer = await serveConsole(dataDir, desk.handlers);
    const stopped = untilStopped(); // listening before we say ready: a signal right after must not kill us
    console.log(JSON.stringify({ event: 'ready', vatId: vat.id, address: vat.address, ...(echo ? { echo } : {}) }));
    await stopped;
    consoleServer.close();
    desk.close();
    await vat.close();
    console.log(JSON.stringify({ event: 'stopped', vatId: vat.id }));
    return 0;
  },
};
