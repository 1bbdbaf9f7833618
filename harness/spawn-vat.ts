// harness/spawn-vat.ts: runs a vat program in a child process and waits for
// its ready line (harness/vat-program.ts prints it). The demo, the
// multi-process tests and the benches use it, so vats really live in separate
// processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

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
  /** The program to run: a vat program's file, or the `stoa` CLI (then `args` start with `vat start`). */
  program: string;
  /** The program's own arguments; the vat flags (`--data`, `--listen`, `--echo`) follow them. */
  args?: string[];
  /** Extra node flags (e.g. --expose-gc). */
  nodeArgs?: string[];
  /** Runs the process in this network namespace (`ip netns exec`, as root): tests of NAT and relays. */
  netns?: string;
}

export const spawnVat = async (opts: SpawnVatOptions): Promise<VatProcess> => {
  const { dataDir, listen, echo, env, program, nodeArgs = [], netns } = opts;
  // A program's own arguments come first (they may name a subcommand); the vat flags follow.
  const args = [...process.execArgv, ...nodeArgs, program, ...(opts.args ?? []), '--data', dataDir];
  if (listen) args.push('--listen', listen);
  if (echo) args.push('--echo');
  // `ip netns exec` execs node in place: the child's pid is the vat's, for signals.
  const [command, commandArgs] = netns
    ? ['ip', ['netns', 'exec', netns, process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, commandArgs, {
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
    void exited.then(([code]) =>
      reject(Error(`vat process exited (${code}) before it was ready: ${stderr.trim()}`)),
    );
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
