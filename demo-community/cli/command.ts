// demo-community/cli/command.ts: what a `stoa` command is, and option parsing
// that turns a bad flag into a `[usage]` error.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Command {
  usage: string;
  summary: string;
  /** Returns the exit code; throws for a one-line failure. */
  run(argv: string[]): Promise<number>;
}

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export const parseOptions = <O extends OptionsConfig>(
  argv: string[],
  options: O,
  allowPositionals = false,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>
> => {
  try {
    return parseArgs({
      args: dashesAllowed(argv, options),
      options,
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw Error(`[usage] ${(error as Error).message.split('\n')[0]}`);
  }
};

/**
 * Case, report and grant ids are base64url, so one in 64 starts with `-`:
 * node's parser would take `stoa audit show -_3DW…` for an unknown option. A
 * word that is not one of the command's options is a positional, and a string
 * option takes the next word as its value whatever it starts with. `--words`
 * stay options, so a misspelt flag is still refused.
 */
const dashesAllowed = (argv: string[], options: OptionsConfig): string[] => {
  const shorts = new Map(
    Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])),
  );
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const name = word.startsWith('--')
      ? word.slice(2)
      : word.length === 2 && word.startsWith('-')
        ? shorts.get(word[1]!)
        : undefined;
    if (word.startsWith('--') || name !== undefined) {
      const takesValue = name !== undefined && options[name]?.type === 'string';
      if (takesValue && i + 1 === argv.length)
        throw Error(`Option '--${name} <value>' argument missing`);
      if (takesValue) {
        flags.push(`--${name}=${argv[i + 1]}`);
        i += 1;
      } else flags.push(word);
    } else positionals.push(word);
  }
  return [...flags, '--', ...positionals];
};

/**
 * Resolves on SIGINT or SIGTERM. Call it before announcing readiness: until a
 * listener is registered, a signal takes its default action and kills the process.
 */
export const untilStopped = () =>
  new Promise<void>(resolve => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });

/** `--data`, else $STOA_DATA, else ~/.stoa. */
export const dataDirOf = (given: string | undefined): string =>
  given ?? process.env.STOA_DATA ?? join(homedir(), '.stoa');

/** `--listen`, or 127.0.0.1 on port 0 (the vat's last port when free). */
export const listenOf = (value: string | undefined) =>
  value ? parseListen(value) : { host: '127.0.0.1', port: 0 };

/** Parses `host:port` (IPv6 in brackets). */
export const parseListen = (value: string): { host: string; port: number } => {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535)
    throw Error(
      `[usage] --listen takes HOST:PORT (e.g. 127.0.0.1:7000), got ${JSON.stringify(value)}`,
    );
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  return { host, port };
};
