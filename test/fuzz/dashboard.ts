// The auditor dashboard's commands, fuzzed over its page's WebSocket: a
// moderation service with one case (mallory reported by alice), and an act
// auditor's desk (moderation/audit-desk.ts) behind the page, as `stoa audit
// web` serves it. Arguments are edgy JSON or the case's real ids, so act,
// act.preview, dismiss and the rest reach their checks, not only the first.
import { E } from '@endo/far';
import type fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { serveWeb } from '../../demo-community/web/web-server.js';
import { makeAuditDesk } from '../../moderation/audit-desk.js';
import {
  createModeratedRoom,
  joinRoom,
  SANCTIONS,
  startModeration,
  type AuditorFacet,
} from '../../moderation/index.js';
import { startVat } from '../../vat/index.js';
import type { Surface } from './decoders.js';
import { commandArb, nextMessage, outcomeOf, pageSocket, scratch } from './network.js';

const ARGS = [
  'caseId',
  'action',
  'target',
  'reason',
  'duration',
  'reportId',
  'note',
  'from',
  'count',
];

/** A moderated room with one open case, and the desk of an `act` auditor on it. */
const oneCase = async (dir: string) => {
  const [operator, alice, mallory, auditor] = await Promise.all(
    ['operator', 'alice', 'mallory', 'auditor'].map(name => startVat({ dataDir: join(dir, name) })),
  );
  const mod = await startModeration(operator!);
  const room = await createModeratedRoom(operator!, { name: 'lobby', moderation: mod.reportInbox });
  const a = await joinRoom(alice!, room.invite, { name: 'alice' });
  const m = await joinRoom(mallory!, room.invite, { name: 'mallory' });
  const heard = new Promise<string>(resolve => a.on('message', line => resolve(line.id)));
  await m.say('cheap watches');
  const report = (await a.report({ category: 'spam', flagged: [await heard] })) as {
    caseId: string;
  };
  const facet = (await auditor!.fetch<AuditorFacet>(
    mod.grant('act', { label: 'fuzz' }),
  )) as unknown as AuditorFacet;
  const [first] = (await E(facet).show(report.caseId)).reports;
  return {
    facet,
    auditor: auditor!,
    known: [report.caseId, mallory!.id, first!.reportId, ...SANCTIONS, 'dismiss', '10m', '0'],
    async close() {
      a.close();
      m.close();
      room.close();
      await mod.close();
      await Promise.all([operator, alice, mallory, auditor].map(v => v!.close()));
    },
  };
};

export const dashboardSurface = async (): Promise<Surface> => {
  const dir = scratch();
  const setting = await oneCase(dir);
  const { 'log.watch': _watch, ...handlers } = makeAuditDesk(
    setting.auditor,
    setting.facet,
    join(dir, 'checkpoint.json'),
  );
  const web = await serveWeb({ page: 'dashboard', title: 'fuzz', handlers });
  const { socket, close: closeSocket } = pageSocket(web.url);
  const ask = async (message: string) => {
    const open = await socket();
    open.send(message);
    return JSON.parse(String(await nextMessage(open)));
  };
  return {
    name: 'dashboard command',
    arbitrary: commandArb(Object.keys(handlers), ARGS, setting.known) as fc.Arbitrary<unknown>,
    run: async message => outcomeOf(await ask(message as string)),
    alive: async () => (await ask(JSON.stringify({ id: 1, cmd: 'list', args: {} }))).ok === true,
    async close() {
      closeSocket();
      await web.close();
      await setting.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
