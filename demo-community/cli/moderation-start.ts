// `stoa moderation start`: run the operator's moderation service in a vat
// until SIGINT/SIGTERM, granting auditor capabilities as asked.
import { startModeration, type AuditorRole } from '../moderation/index.js';
import { startVat } from '../../vat/index.js';
import { dataDirOf, listenOf, parseOptions, untilStopped, type Command } from './command.js';

export const moderationStartCommand: Command = {
  usage: '[--data DIR] [--listen HOST:PORT] [--archive sqlite:PATH|postgres://URL] [--grant ROLE:LABEL ...]',
  summary:
    'Runs the moderation service (archive default: moderation.db in DIR). Prints {"event":"ready",...,"reportInbox":…,"grants":{label:ref}};\n' +
    '      --grant triage|act|admin:LABEL grants an auditor capability (repeatable). Refs are secrets: keep the output private.',
  async run(argv) {
    const { values } = parseOptions(argv, {
      data: { type: 'string' },
      listen: { type: 'string' },
      archive: { type: 'string' },
      grant: { type: 'string', multiple: true },
    });
    const grants = (values.grant ?? []).map(g => {
      const [role, label] = g.split(':');
      if (!role || !label || !['triage', 'act', 'admin'].includes(role)) throw Error(`[usage] --grant takes ROLE:LABEL with ROLE triage, act or admin, got ${JSON.stringify(g)}`);
      return { role: role as AuditorRole, label };
    });
    const { host, port } = listenOf(values.listen);
    const vat = await startVat({ dataDir: dataDirOf(values.data), host, port });
    try {
      const mod = await startModeration(vat, values.archive ? { archive: values.archive } : {});
      const refs = Object.fromEntries(grants.map(g => [g.label, mod.grant(g.role, { label: g.label })]));
      const stopped = untilStopped(); // listening before we say ready
      console.log(JSON.stringify({ event: 'ready', vatId: vat.id, address: vat.address, reportInbox: mod.reportInbox, grants: refs }));
      await stopped;
      await mod.close();
    } finally {
      await vat.close();
    }
    return 0;
  },
};
