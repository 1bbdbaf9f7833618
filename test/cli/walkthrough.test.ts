// The README's walkthrough ("Two people, two vats"), command by command, as
// separate `stoa` processes in a temporary folder on 127.0.0.1. The commands
// are listed here once, and the README's block must hold exactly these: the
// test fails when the two diverge. CAPITALISED words stand for what an
// earlier command printed (INBOX, INVITE, CASE), as a person would paste it.
// It runs the built command (`npm run build`; npm test builds first), the
// file `npx stoa` and `npm link` run, from a folder outside the repository.
import test from '@endo/ses-ava/prepare-endo.js';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers.js';

const STOA = fileURLToPath(new URL('../../dist/demo-community/cli/stoa.js', import.meta.url));

type Out = { code: number | null; stdout: string; stderr: string };
interface Step {
  command: string;
  /** Run again (at most 30 times, each a real round trip) until it holds: what it waits for travels between vats. */
  until?: (out: Out) => boolean;
  check?: (out: Out) => void;
}

const readmeCommands = () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- walkthrough[^>]*-->\s*```sh\n([\s\S]*?)```\s*<!-- \/walkthrough -->/.exec(
    readme,
  )?.[1];
  if (!block) throw Error('README.md has no walkthrough block');
  return block
    .split('\n')
    .filter(l => l.startsWith('stoa '))
    .map(l => l.replace(/\s+#\s.*$/, ''));
};

/** A command line's words; "…" keeps spaces. */
const words = (command: string) =>
  [...command.matchAll(/"([^"]*)"|(\S+)/g)].map(m => m[1] ?? m[2]!).slice(1);

test('every command of the README walkthrough works as written', async t => {
  const dir = tempDir(t, 'stoa-walk-');
  const env = { ...process.env, STOA_DATA: '' };
  const stoa = (args: string[], stdin = '') =>
    new Promise<Out>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [STOA, ...args],
        { cwd: dir, env },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') reject(error);
          else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
        },
      );
      child.stdin!.end(stdin);
    });
  /** A command that runs until stopped: resolves with its ready line. */
  const service = async (args: string[]) => {
    const child: ChildProcess = spawn(process.execPath, [STOA, ...args], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.teardown(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    });
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) if (line.startsWith('{"event":"ready"')) return line;
    throw Error(`stoa ${args.join(' ')} ended before it was ready`);
  };
  for (const data of ['host', 'alice', 'bob'])
    t.teardown(() => stoa(['vat', 'stop', '--data', data]).then(() => undefined));

  const said: Record<string, string> = {};
  const json = (out: Out) => JSON.parse(out.stdout);
  const steps: Step[] = [
    { command: 'stoa moderation start --data mod --grant admin:alice' },
    { command: 'stoa init --data host', check: o => t.regex(o.stdout, /^[a-z2-7]{52}\n$/) },
    { command: 'stoa vat start --detach --data host' },
    {
      command: 'stoa room create lobby --moderation INBOX --data host',
      check: o => {
        said.INVITE = json(o).invite;
        said.ROOM = json(o).room;
      },
    },
    {
      command:
        'stoa room rules lobby --rule insults --action auto-report --category harassment --keywords idiot,loser --data host',
      check: o =>
        t.like(json(o), {
          ruleset: {
            rules: [
              {
                id: 'insults',
                action: 'auto-report',
                category: 'harassment',
                keywords: ['idiot', 'loser'],
              },
            ],
          },
          logEntry: 1,
        }),
    },
    { command: 'stoa init --data alice' },
    { command: 'stoa vat start --detach --data alice' },
    {
      command: 'stoa room join INVITE --name alice --data alice',
      check: o => t.deepEqual(json(o).roster, ['alice']),
    },
    { command: 'stoa init --data bob' },
    { command: 'stoa vat start --detach --data bob' },
    {
      command: 'stoa room join INVITE --name bob --data bob',
      check: o => t.deepEqual(json(o).roster, ['alice', 'bob']),
    },
    { command: 'stoa say lobby hello alice --data bob' },
    {
      command: 'stoa history lobby --data alice',
      until: o => o.stdout.includes('hello alice'),
    },
    { command: 'stoa say lobby you idiot --data bob' },
    {
      command: 'stoa audit login - --data alice',
      check: o => t.is(o.stdout, 'logged in as auditor "alice" (admin)\n'),
    },
    {
      command: 'stoa audit list --data alice',
      until: o => o.code === 0 && json(o).length > 0,
      check: o => {
        const [theCase] = json(o);
        t.like(theCase, { reports: 1 });
        said.CASE = theCase.caseId;
      },
    },
    { command: 'stoa audit act CASE --action kick --reason "insulting a member" --data alice' },
    {
      command: 'stoa audit log --data alice',
      check: o => {
        const log = json(o) as Array<{ kind: string; body: string }>; // bodies as logged: canonical JSON
        t.deepEqual(
          log.map(e => e.kind),
          ['auditor-granted', 'ruleset', 'report', 'action'],
        );
        t.like(
          JSON.parse(log[1]!.body),
          { room: said.ROOM, label: 'host', ruleset: { rules: [{ id: 'insults' }] } },
          "the host's ruleset change is in the log",
        );
      },
    },
    {
      command: 'stoa rooms --data bob',
      until: o => o.code === 0 && json(o)[0]?.removed !== undefined,
      check: o => t.regex(json(o)[0].removed, /^kicked: insulting a member/),
    },
    {
      command: 'stoa web --data alice',
      check: o => t.regex(o.stdout, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/\n$/),
    },
    { command: 'stoa vat stop --data bob' },
    { command: 'stoa vat stop --data alice' },
    { command: 'stoa vat stop --data host' },
  ];
  t.deepEqual(
    readmeCommands(),
    steps.map(s => s.command),
    "the README's walkthrough is the one tested here",
  );

  for (const step of steps) {
    const args = words(step.command).map(w => said[w] ?? w);
    if (step.command.startsWith('stoa moderation start')) {
      const ready = JSON.parse(await service(args));
      said.INBOX = ready.reportInbox;
      said.REF = ready.grants.alice;
      continue;
    }
    const stdin = args[0] === 'audit' && args[1] === 'login' ? said.REF! : '';
    let out = await stoa(args, stdin);
    for (let tries = 1; step.until && !step.until(out) && tries < 30; tries += 1)
      out = await stoa(args, stdin);
    t.is(out.code, 0, `${step.command}: ${out.stderr}`);
    step.check?.(out);
  }
});
