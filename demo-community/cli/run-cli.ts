// demo-community/cli/run-cli.ts: dispatches `stoa <command>`; every failure is
// one line on stderr and a non-zero exit (1: it failed, 2: bad usage). The
// line is for people: the error's `[code]` is left out. With `--json` (any
// command) it is one JSON object instead, `{"ok":false,"code","error"}`, the
// code kept for scripts and bug reports.
import { commands, usage } from './commands.js';
import { splitCode } from './error-code.js';
import { terminalJson, terminalText } from './terminal-text.js';

const printFailure = (key: string, message: string, json: boolean) => {
  const { code, sentence } = splitCode(message);
  // Errors may quote what a peer sent.
  if (json) console.error(terminalJson({ ok: false, code: code ?? 'failed', error: message }));
  else console.error(`stoa ${key}: ${terminalText(sentence)}`);
  return code;
};

export const runCli = async (given: string[]): Promise<number> => {
  const json = given.includes('--json');
  const argv = given.filter(a => a !== '--json');
  const [first, second] = argv;
  const key = first && second && commands[`${first} ${second}`] ? `${first} ${second}` : first;
  const command = key ? commands[key] : undefined;
  if (!command) {
    if (key === '--help' || key === 'help') {
      console.log(usage());
      return 0;
    }
    console.error(
      `${key ? `stoa: unknown command ${JSON.stringify(argv.slice(0, 2).join(' '))}\n\n` : ''}${usage()}`,
    );
    return 2;
  }
  const rest = argv.slice(key!.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: stoa ${key} ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = printFailure(key!, message, json);
    const isUsage = (error as { usage?: boolean })?.usage === true || code === 'usage';
    if (isUsage && !json) console.error(`usage: stoa ${key} ${command.usage}`);
    return isUsage ? 2 : 1;
  }
};
harden(runCli);
