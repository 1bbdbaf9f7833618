// `stoa moderation start`: run the operator's moderation service in a vat
// until SIGINT/SIGTERM, granting auditor capabilities as asked.
import { join } from 'node:path';
import { startModeration, type AuditorFacet, type AuditorRole } from '../../moderation/index.js';
import { installLastResort, startVat } from '../../vat/index.js';
import { makeAuditDesk } from '../../moderation/audit-desk.js';
import { serveWeb, type WebServer } from '../web/web-server.js';
import { dataDirOf, listenOf, parseOptions, untilStopped, type Command } from './command.js';

export const moderationStartCommand: Command = {
  usage:
    '[--data DIR] [--listen HOST:PORT] [--archive sqlite:PATH|postgres://URL] [--grant ROLE:LABEL ...] [--dashboard]',
  summary:
    'Runs the moderation service (archive default: moderation.db in DIR). Prints {"event":"ready",...,"reportInbox":…,"grants":{label:ref}};\n' +
    "      --grant triage|act|admin:LABEL grants an auditor capability (repeatable; a label's live grant is the same ref at every start,\n" +
    '      a revoked one stays refused). Refs are secrets: keep the output private;\n' +
    '      --dashboard also serves the auditor dashboard to the operator on this machine (an admin grant, label "operator",\n' +
    '      logged like any other) on 127.0.0.1 behind a per-start token: "dashboard" in the ready line. Auditors elsewhere use stoa audit web.',
  async run(argv) {
    const { values } = parseOptions(argv, {
      data: { type: 'string' },
      listen: { type: 'string' },
      archive: { type: 'string' },
      grant: { type: 'string', multiple: true },
      dashboard: { type: 'boolean' },
    });
    const grants = (values.grant ?? []).map(g => {
      const [role, label] = g.split(':');
      if (!role || !label || !['triage', 'act', 'admin'].includes(role))
        throw Error(
          `[usage] --grant takes ROLE:LABEL with ROLE triage, act or admin, got ${JSON.stringify(g)}`,
        );
      return { role: role as AuditorRole, label };
    });
    const { host, port } = listenOf(values.listen);
    const dataDir = dataDirOf(values.data);
    installLastResort('stoa moderation start');
    const vat = await startVat({ dataDir, host, port });
    // A failure at any step closes what was opened (the archive's pool too):
    // never a half-started service holding its port and lock.
    let web: WebServer | undefined;
    let mod: Awaited<ReturnType<typeof startModeration>> | undefined;
    try {
      const service = await startModeration(vat, values.archive ? { archive: values.archive } : {});
      mod = service;
      const refs = Object.fromEntries(
        grants.map(g => [g.label, service.grant(g.role, { label: g.label })]),
      );
      if (values.dashboard) {
        const operator = await vat.fetch<AuditorFacet>(
          service.grant('admin', { label: 'operator' }),
        );
        web = await serveWeb({
          page: 'dashboard',
          title: 'Stoa moderation',
          handlers: makeAuditDesk(vat, operator, join(dataDir, 'dashboard-checkpoint.json')),
        });
      }
      await service.settled(); // every grant printed below is in the log
      const stopped = untilStopped(); // listening before we say ready
      console.log(
        JSON.stringify({
          event: 'ready',
          vatId: vat.id,
          address: vat.address,
          reportInbox: service.reportInbox,
          grants: refs,
          ...(web ? { dashboard: web.url } : {}),
        }),
      );
      await stopped;
    } finally {
      await web?.close();
      await mod?.close();
      await vat.close();
    }
    return 0;
  },
};
