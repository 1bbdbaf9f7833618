// demo-community/spawn-vat.ts: runs `stoa vat start` in a child process and
// waits for its ready line. The demo and the multi-process tests use it, so
// vats really live in separate processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface VatProcess {
  vatId: string;
  dataDir: string;
  address: string;
  /** Sturdy ref of the diagnostic echo object, when started with `echo`. */
  echo?: string;
  /** The whole ready event (programs may add fields). */
  ready: Record<string, unknown>;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM and wait for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

export interface SpawnVatOptions {
  dataDir: string;
  listen?: string;
  echo?: boolean;
  env?: NodeJS.ProcessEnv;
  /** A vat program taking the same flags, instead of `stoa vat start` (tests use fixtures). */
  program?: string;
  /** Extra arguments for the program. */
  args?: string[];
  /** Extra node flags (e.g. --expose-gc). */
  nodeArgs?: string[];
}

/** The `stoa` CLI, run the way this module runs: compiled .js, or .ts under tsx. */
export const STOA_CLI_PATH = fileURLToPath(new URL(`./cli/stoa${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export const spawnVat = async (opts: SpawnVatOptions): Promise<VatProcess> => {
  const { dataDir, listen, echo, env, program, nodeArgs = [] } = opts;
  // A program's own arguments come first (they may name a subcommand); the vat flags follow.
  const args = [...process.execArgv, ...nodeArgs, ...(program ? [program, ...(opts.args ?? [])] : [STOA_CLI_PATH, 'vat', 'start']), '--data', dataDir];
  if (listen) args.push('--listen', listen);
  if (echo) args.push('--echo');
  if (!program) args.push(...(opts.args ?? []));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.on('line', line => {
      try {
        const event = JSON.parse(line);
        if (event.event === 'ready') resolve(event);
      } catch {
        // not an event line
      }
    });
    void exited.then(([code]) => reject(Error(`vat process exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
  return {
    vatId: String(ready.vatId),
    dataDir,
    address: String(ready.address),
    ...(typeof ready.echo === 'string' ? { echo: ready.echo } : {}),
    ready,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
};
