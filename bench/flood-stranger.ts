// One flooding process for `npm run bench:flood`: strangers with fresh
// identities, none of them a member. It opens empty authenticated sessions
// (TLS with a new key, a WebSocket upgrade, then nothing) at --sessions-per-s,
// and keeps --joiners join calls pending from as many throwaway vats, each
// with a member link that never answers, starting a new one as each ends.
// Stops on SIGTERM and prints one JSON line of what happened to it all.
// Flags: --address HOST:PORT --invite REF --sessions-per-s N --joiners N --dir DIR
import '../vat/lockdown.js';
import '@endo/eventual-send/shim.js';
import { E, Far } from '@endo/far';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { tlsOptions } from '../captp-transport/credentials.js';
import type { Join } from '../unum/facets.js';
import { errorCode } from '../captp-transport/index.js';
import { loadOrCreateIdentity, startVat, type Vat } from '../vat/index.js';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    invite: { type: 'string' },
    'sessions-per-s': { type: 'string' },
    joiners: { type: 'string' },
    dir: { type: 'string' },
  },
});
const address = values.address!;
const invite = values.invite!;
const SESSIONS_PER_S = Number(values['sessions-per-s']);
const JOINERS = Number(values.joiners);
const dir = values.dir!;

const counts: Record<string, number> = {};
const count = (what: string) => {
  counts[what] = (counts[what] ?? 0) + 1;
};
let stopping = false;
let made = 0;
const sockets = new Set<WebSocket>();
const vats = new Set<Vat>();

/** A fresh identity's empty session; counts how it opened and how it ended. */
const emptySession = () => {
  made += 1;
  const { credentials } = loadOrCreateIdentity(join(dir, `s${made}`));
  const ws = new WebSocket(`wss://${address}/`, tlsOptions(credentials));
  sockets.add(ws);
  ws.on('error', error => count(`session refused: ${error.message.slice(0, 40)}`));
  ws.on('open', () => count('sessions opened'));
  ws.on('close', (code, reason) => {
    sockets.delete(ws);
    if (code === 4000) count(`sessions ended by the host: ${String(reason)}`);
  });
};

const never = () => new Promise<never>(() => {});
const stalledLink = () => Far('MemberLink', { update: never, inboxGiftFor: never });

/** One throwaway vat calls join with a link that never answers, then gives way to the next. */
const joiner = async (): Promise<void> => {
  while (!stopping) {
    made += 1;
    const vat = await startVat({ dataDir: join(dir, `j${made}`) });
    vats.add(vat);
    try {
      const facet = await vat.fetch<Join>(invite);
      await E(facet).join(
        harden({ name: `stranger${made}`, address: '127.0.0.1:9', link: stalledLink() }),
      );
      count('joins admitted');
    } catch (error) {
      count(
        stopping
          ? 'joins still pending when the flood stopped'
          : `joins refused: [${errorCode(error) ?? 'uncoded'}]`,
      );
    } finally {
      vats.delete(vat);
      await vat.close();
    }
  }
};

const opener = setInterval(() => {
  if (!stopping) emptySession();
}, 1000 / SESSIONS_PER_S);
const joiners = Array.from({ length: JOINERS }, () => joiner());

process.once('SIGTERM', async () => {
  stopping = true;
  clearInterval(opener);
  for (const ws of sockets) ws.terminate();
  await Promise.all([...vats].map(v => v.close()));
  await Promise.allSettled(joiners);
  console.log(JSON.stringify({ event: 'flood-done', counts }));
  process.exit(0);
});
console.log(JSON.stringify({ event: 'flooding' }));
