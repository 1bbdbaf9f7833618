// demo-community/cli/run-cli.ts: dispatches `stoa <command>`; every failure is
// one line on stderr and a non-zero exit (1: it failed, 2: bad usage).
import { commands, usage } from './commands.js';
import { terminalText } from './terminal-text.js';

export const runCli = async (argv: string[]): Promise<number> => {
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
    const isUsage = (error as { usage?: boolean })?.usage === true || /^\[usage\]/.test(message);
    // Errors may quote what a peer sent.
    console.error(`stoa ${key}: ${terminalText(message.replace(/^\[usage\] /, ''))}`);
    if (isUsage) console.error(`usage: stoa ${key} ${command.usage}`);
    return isUsage ? 2 : 1;
  }
};
harden(runCli);
