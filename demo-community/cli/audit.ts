// `stoa audit …`: the auditor console on the command line. The auditor has a
// vat identity of its own (in DIR/auditor, made on first use) that signs every
// action; `login` keeps the auditor capability (a sturdy ref) there, mode 0600.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E } from '@endo/far';
import { parseRef, startVat, type Vat } from '../../vat/index.js';
import { signAction, verifyGrowth, type Sanction, type SignedCheckpoint } from '../moderation/index.js';
import { dataDirOf, parseOptions, type Command } from './command.js';

interface Auditor {
  whoami(): { label: string; role: string };
  list(): Array<{ caseId: string; room: string; accused: string[]; priority: number; reports: number; actions: number }>;
  show(caseId: string): { caseId: string; room: string; accused: string[]; reports: unknown[]; actions: unknown[]; notes: unknown[] };
  verify(reportId: string): unknown;
  act(signed: { action: string; sig: string }): unknown;
  log(from: number, count: number): Array<{ index: number; kind: string; body: string }>;
  checkpoint(): SignedCheckpoint;
  consistency(size1: number): string[];
}

const auditorDir = (data: string | undefined) => join(dataDirOf(data), 'auditor');
const refFile = (dir: string) => join(dir, 'auditor-ref');
const checkpointFile = (dir: string) => join(dir, 'checkpoint.json');

const withAuditor = async <T>(data: string | undefined, work: (auditor: Auditor, vat: Vat, dir: string) => Promise<T>): Promise<T> => {
  const dir = auditorDir(data);
  if (!existsSync(refFile(dir))) throw Error(`[not-logged-in] no auditor capability in ${dir}; run: stoa audit login REF`);
  const vat = await startVat({ dataDir: join(dir, 'vat') });
  try {
    const auditor = (await vat.fetch<Auditor>(readFileSync(refFile(dir), 'utf8').trim())) as unknown as Auditor;
    return await work(auditor, vat, dir);
  } finally {
    await vat.close();
  }
};

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** A subcommand that takes one id and prints what the auditor facet answers for it. */
const printById = (usage: string, what: string, ask: (auditor: Auditor, id: string) => Promise<unknown>) => ({
  usage,
  async run([id]: string[], data: string | undefined) {
    if (!id) throw Error(`[usage] needs ${what}`);
    print(await withAuditor(data, a => ask(a, id)));
    return 0;
  },
});

const subcommands: Record<string, { usage: string; run(args: string[], data: string | undefined, flags: Record<string, string | undefined>): Promise<number> }> = {
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
      console.log(`logged in as auditor ${JSON.stringify(who.label)} (${who.role})`);
      return 0;
    },
  },
  list: { usage: 'list', run: async (_a, data) => (print(await withAuditor(data, a => E(a).list())), 0) },
  show: printById('show CASE', 'a case id (see stoa audit list)', (a, id) => E(a).show(id)),
  verify: printById('verify REPORT', 'a report id', (a, id) => E(a).verify(id)),
  act: {
    usage: 'act CASE --action mute|kick|ban --target VATID --reason "…" [--duration-ms N]',
    async run([caseId], data, flags) {
      if (!caseId) throw Error('[usage] needs a case id');
      const action = flags.action as Sanction;
      if (!['mute', 'kick', 'ban'].includes(action)) throw Error('[usage] --action is mute, kick or ban');
      if (!flags.reason?.trim()) throw Error('[usage] --reason "…" is required: the statement of reasons');
      const receipt = await withAuditor(data, async (auditor, vat) => {
        const c = await E(auditor).show(caseId);
        const target = flags.target ?? (c.accused.length === 1 ? c.accused[0] : undefined);
        if (!target) throw Error('[usage] the case accuses several members: name one with --target VATID');
        const signed = signAction(
          { caseId, room: c.room, action, target, durationMs: Number(flags['duration-ms'] ?? 0), reason: flags.reason!, auditor: vat.id },
          m => vat.sign(m),
        );
        return E(auditor).act(signed);
      });
      print({ done: action, receipt });
      return 0;
    },
  },
  log: {
    usage: 'log [--from N] [--count N]',
    async run(_a, data, flags) {
      print(await withAuditor(data, a => E(a).log(Number(flags.from ?? 0), Number(flags.count ?? 50))));
      return 0;
    },
  },
  'verify-log': {
    usage: 'verify-log',
    async run(_a, data) {
      const message = await withAuditor(data, async (auditor, _vat, dir) => {
        const now = await E(auditor).checkpoint();
        const operator = JSON.parse(now.checkpoint).operator as string;
        const file = checkpointFile(dir);
        let said = `checkpoint of size ${JSON.parse(now.checkpoint).size} saved; the next verify-log checks the log only grew from it`;
        if (existsSync(file)) {
          const saved = JSON.parse(readFileSync(file, 'utf8')) as SignedCheckpoint;
          const size = JSON.parse(saved.checkpoint).size as number;
          verifyGrowth(saved, now, size > 0 ? await E(auditor).consistency(size) : [], operator);
          said = `the log grew from ${size} to ${JSON.parse(now.checkpoint).size} entries and kept every one (consistency proof verified)`;
        }
        writeFileSync(file, JSON.stringify(now), { mode: 0o600 });
        return said;
      });
      console.log(message);
      return 0;
    },
  },
};

export const auditCommand: Command = {
  usage: `${Object.values(subcommands).map(s => s.usage).join(' | ')} [--data DIR]`,
  summary: 'The auditor console: log in with an auditor capability, list and show cases, verify reports, act (signed and logged), read and verify the log.',
  async run(argv) {
    const [sub, ...rest] = argv;
    const command = sub ? subcommands[sub] : undefined;
    if (!command) throw Error(`[usage] stoa audit needs one of: ${Object.keys(subcommands).join(', ')}`);
    const { values, positionals } = parseOptions(
      rest,
      {
        data: { type: 'string' },
        action: { type: 'string' },
        target: { type: 'string' },
        reason: { type: 'string' },
        'duration-ms': { type: 'string' },
        from: { type: 'string' },
        count: { type: 'string' },
      },
      true,
    );
    return command.run(positionals, values.data, values as Record<string, string | undefined>);
  },
};
