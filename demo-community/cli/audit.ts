// `stoa audit …`: the auditor console on the command line. The auditor has a
// vat identity of its own (in DIR/auditor, made on first use) that signs every
// action; `login` keeps the auditor capability (a sturdy ref) there, mode 0600.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E } from '@endo/far';
import { parseRef, startVat, type Vat } from '../../vat/index.js';
import { SANCTIONS, type AuditorFacet, type Sanction } from '../../moderation/index.js';
import { actOnCase, checkLogGrowth, makeAuditDesk } from '../../moderation/audit-desk.js';
import { serveWeb } from '../web/web-server.js';
import { dataDirOf, parseOptions, untilStopped, type Command } from './command.js';
import { terminalJson, terminalText } from './terminal-text.js';

const auditorDir = (data: string | undefined) => join(dataDirOf(data), 'auditor');
const refFile = (dir: string) => join(dir, 'auditor-ref');
const checkpointFile = (dir: string) => join(dir, 'checkpoint.json');

const withAuditor = async <T>(
  data: string | undefined,
  work: (auditor: AuditorFacet, vat: Vat, dir: string) => Promise<T>,
): Promise<T> => {
  const dir = auditorDir(data);
  if (!existsSync(refFile(dir)))
    throw Error(`[not-logged-in] no auditor capability in ${dir}; run: stoa audit login REF`);
  const vat = await startVat({ dataDir: join(dir, 'vat') });
  try {
    const auditor = (await vat.fetch<AuditorFacet>(
      readFileSync(refFile(dir), 'utf8').trim(),
    )) as unknown as AuditorFacet;
    return await work(auditor, vat, dir);
  } finally {
    await vat.close();
  }
};

const print = (value: unknown) => console.log(terminalJson(value, 2));

/** `--duration-ms N`, the older spelling of `--duration`. */
const msOption = (text: string | undefined): number => {
  if (text === undefined) return 0;
  const ms = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(ms))
    throw Error('[usage] --duration-ms is a whole number of ms; or write --duration 10m, 2h, 3d');
  return ms;
};

/** A subcommand that takes one id and prints what the auditor facet answers for it. */
const printById = (
  usage: string,
  what: string,
  ask: (auditor: AuditorFacet, id: string) => Promise<unknown>,
) => ({
  usage,
  async run([id]: string[], data: string | undefined) {
    if (!id) throw Error(`[usage] needs ${what}`);
    print(await withAuditor(data, a => ask(a, id)));
    return 0;
  },
});

const subcommands: Record<
  string,
  {
    usage: string;
    run(
      args: string[],
      data: string | undefined,
      flags: Record<string, string | undefined>,
    ): Promise<number>;
  }
> = {
  login: {
    usage: 'login REF|-',
    async run([ref], data) {
      const given = ref === '-' ? readFileSync(0, 'utf8').trim() : ref;
      if (!given) throw Error('[usage] needs the auditor ref (or - to read it from stdin)');
      parseRef(given, 's');
      const dir = auditorDir(data);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(refFile(dir), `${given}\n`, { mode: 0o600 });
      chmodSync(refFile(dir), 0o600);
      const who = await withAuditor(data, auditor => E(auditor).whoami());
      console.log(`logged in as auditor ${terminalJson(who.label)} (${terminalText(who.role)})`);
      return 0;
    },
  },
  list: {
    usage: 'list',
    run: async (_a, data) => {
      print(await withAuditor(data, a => E(a).list()));
      return 0;
    },
  },
  show: printById('show CASE', 'a case id (see stoa audit list)', (a, id) => E(a).show(id)),
  verify: printById('verify REPORT', 'a report id', (a, id) => E(a).verify(id)),
  act: {
    usage: `act CASE --action ${SANCTIONS.join('|')} [--target VATID] --reason "…" [--duration 10m|2h|3d|0]`,
    async run([caseId], data, flags) {
      if (!caseId) throw Error('[usage] needs a case id (see stoa audit list)');
      const action = flags.action as Sanction;
      if (!SANCTIONS.includes(action))
        throw Error(`[usage] --action is one of: ${SANCTIONS.join(', ')}`);
      if (!flags.reason?.trim())
        throw Error('[usage] --reason "…" is required: the statement of reasons');
      if (flags.duration !== undefined && flags['duration-ms'] !== undefined)
        throw Error('[usage] give --duration (10m, 2h, 3d) or --duration-ms, not both');
      const receipt = await withAuditor(data, (auditor, vat) =>
        actOnCase(auditor, vat, {
          caseId,
          action,
          reason: flags.reason!,
          duration: flags.duration ?? msOption(flags['duration-ms']),
          ...(flags.target ? { target: flags.target } : {}),
        }),
      );
      print({ done: action, receipt });
      return 0;
    },
  },
  dismiss: {
    usage: 'dismiss CASE --reason "…"',
    async run([caseId], data, flags) {
      if (!caseId) throw Error('[usage] needs a case id (see stoa audit list)');
      if (!flags.reason?.trim())
        throw Error('[usage] --reason "…" is required: why the case needs no action');
      const receipt = await withAuditor(data, a => E(a).dismiss(caseId, flags.reason!));
      print({ done: 'dismiss', receipt });
      return 0;
    },
  },
  log: {
    usage: 'log [--from N] [--count N]',
    async run(_a, data, flags) {
      print(
        await withAuditor(data, a => E(a).log(Number(flags.from ?? 0), Number(flags.count ?? 50))),
      );
      return 0;
    },
  },
  'verify-log': {
    usage: 'verify-log',
    async run(_a, data) {
      console.log(
        (
          await withAuditor(data, (auditor, _vat, dir) =>
            checkLogGrowth(auditor, checkpointFile(dir)),
          )
        ).said,
      );
      return 0;
    },
  },
  web: {
    usage: 'web [--port N]',
    async run(_a, data, flags) {
      return withAuditor(data, async (auditor, vat, dir) => {
        const who = await E(auditor).whoami();
        const web = await serveWeb({
          page: 'dashboard',
          title: `Stoa auditor ${who.label}`,
          handlers: makeAuditDesk(vat, auditor, checkpointFile(dir)),
          port: Number(flags.port ?? 0),
        });
        const stopped = untilStopped();
        console.log(
          terminalJson({
            event: 'ready',
            vatId: vat.id,
            auditor: who.label,
            role: who.role,
            dashboard: web.url,
          }),
        );
        await stopped;
        await web.close();
        return 0;
      });
    },
  },
};

export const auditCommand: Command = {
  usage: `${Object.values(subcommands)
    .map(s => s.usage)
    .join(' | ')} [--data DIR]`,
  summary:
    'The auditor console: log in with an auditor capability, list and show cases, verify reports, act (signed and logged), read and verify the log;\n' +
    '      `web` serves the auditor dashboard on 127.0.0.1 (a per-start token in its URL) until Ctrl-C.',
  async run(argv) {
    const [sub, ...rest] = argv;
    const command = sub ? subcommands[sub] : undefined;
    if (!command)
      throw Error(`[usage] stoa audit needs one of: ${Object.keys(subcommands).join(', ')}`);
    const { values, positionals } = parseOptions(
      rest,
      {
        data: { type: 'string' },
        action: { type: 'string' },
        target: { type: 'string' },
        reason: { type: 'string' },
        duration: { type: 'string' },
        'duration-ms': { type: 'string' },
        from: { type: 'string' },
        count: { type: 'string' },
        port: { type: 'string' },
      },
      true,
    );
    return command.run(positionals, values.data, values as Record<string, string | undefined>);
  },
};
