// Shared test scaffolding: temporary folders and vats that clean up after the
// test, in this process or in child processes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { E } from '@endo/far';
import { joinRoom, startVat, type ChatMessage, type Vat, type VatOptions } from '../index.js';
import type { UnumLimits } from '../unum/index.js';
import { spawnStoaVat, STOA_CLI_PATH } from '../demo-community/cli/stoa-process.js';
import { spawnVat, type SpawnVatOptions, type VatProcess } from '../harness/spawn-vat.js';

export const FIXTURE_VAT = fileURLToPath(new URL('./fixtures/fixture-vat.ts', import.meta.url));

export const tempDir = (t: ExecutionContext, prefix = 'stoa-test-'): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** A vat in this process, closed when the test ends. */
export const testVat = async (
  t: ExecutionContext,
  opts: Partial<VatOptions> = {},
): Promise<Vat> => {
  const vat = await startVat({ dataDir: opts.dataDir ?? tempDir(t), ...opts });
  t.teardown(() => vat.close());
  return vat;
};

/** A vat in a child process (`stoa vat start` unless `program` says otherwise), stopped when the test ends. */
export const childVat = async (
  t: ExecutionContext,
  opts: Partial<SpawnVatOptions> = {},
): Promise<VatProcess> => {
  const { program, ...rest } = opts;
  const spawnOpts = { ...rest, dataDir: opts.dataDir ?? tempDir(t) };
  const vat = await (program ? spawnVat({ ...spawnOpts, program }) : spawnStoaVat(spawnOpts));
  t.teardown(() => vat.kill());
  return vat;
};

/** A fixture vat (test/fixtures/fixture-vat.ts) in a child process. */
export const fixtureVat = (
  t: ExecutionContext,
  opts: Partial<SpawnVatOptions> & { limits?: object } = {},
) =>
  childVat(t, {
    program: FIXTURE_VAT,
    ...opts,
    args: [...(opts.args ?? []), ...(opts.limits ? ['--limits', JSON.stringify(opts.limits)] : [])],
  });

/** Resolves when `predicate` holds for an event `subscribe` reports. */
export const nextEvent = <T>(
  subscribe: (listener: (event: T) => void) => void,
  predicate: (event: T) => boolean,
) => new Promise<T>(resolve => subscribe(event => predicate(event) && resolve(event)));

/**
 * Alice and Mallory join the room behind `invite` from two new vats in this
 * process (closed when the test ends); Mallory says `text`, and Alice hears it.
 */
export const aliceHearsMallory = async (
  t: ExecutionContext,
  invite: string,
  text: string,
  aliceLimits: Partial<UnumLimits> = {},
) => {
  const [aliceVat, malloryVat] = await Promise.all([testVat(t), testVat(t)]);
  const alice = await joinRoom(aliceVat, invite, { name: 'alice', limits: aliceLimits });
  const mallory = await joinRoom(malloryVat, invite, { name: 'mallory' });
  t.teardown(() => {
    for (const m of [alice, mallory]) m.close();
  });
  const heard = nextEvent<ChatMessage>(
    l => alice.on('message', l),
    m => m.text === text,
  );
  await mallory.say(text);
  return { aliceVat, malloryVat, alice, mallory, line: await heard };
};

/** Runs the `stoa` CLI to completion in a child process. */
export const runStoa = (args: string[], env: NodeJS.ProcessEnv = {}, stdin = '') =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [...process.execArgv, STOA_CLI_PATH, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin!.end(stdin);
  });

/** Runs a `stoa` command that must succeed, and parses its JSON output; a failure shows its stderr. */
export const stoaJson = async (args: string[], stdin = '') => {
  const { code, stdout, stderr } = await runStoa(args, {}, stdin);
  if (code !== 0) throw Error(`stoa ${args.join(' ')} failed (${code}): ${stderr}`);
  return JSON.parse(stdout);
};

export const ROOM_VAT = fileURLToPath(new URL('./fixtures/room-vat.ts', import.meta.url));

/** The Control object of test/fixtures/room-vat.ts. */
export interface Control {
  createRoom(
    name: string,
    opts?: {
      capacity?: number;
      graceMs?: number;
      moderation?: string;
      maxPendingJoins?: number;
      introductionTimeoutMs?: number;
      replicas?: number;
    },
  ): { invite: string; room: string; replicaInvite?: string };
  serveReplica(
    replicaInvite: string,
    fault?: 'forge' | 'liar' | 'drop' | 'double',
  ): { invite: string; room: string };
  replicaAt(cseq: number, timeoutMs?: number): { cseq: number; members: string[]; bans: number };
  replaceReplica(old: string): void;
  setCapacity(capacity: number): void;
  setOpen(open: boolean): void;
  setRuleset(ruleset: Record<string, unknown>): void;
  hostedSnapshot(): import('../unum/index.js').Snapshot<{ ruleset: Record<string, unknown> }>;
  kick(vatId: string, reason: string): void;
  ban(vatId: string, durationMs: number, reason: string): void;
  mute(vatId: string, muted: boolean): void;
  hostedRoster(): string[];
  join(
    invite: string,
    name: string,
    presenceLimits?: Record<string, number>,
    limits?: Record<string, number>,
  ): { self: string; roster: string[] };
  say(text: string): { id: string; seq: number; to: string[] };
  sayMany(prefix: string, count: number): void;
  whisper(to: string, text: string): { id: string; seq: number; to: string[] };
  leave(): void;
  report(category: string, texts: string[]): { verdict: string; caseId: string; receipt: unknown };
  messageTexts(lastChars: number): string[];
  events(type?: string): Array<Record<string, unknown> & { type: string }>;
  waitFor(
    type: string,
    match?: Record<string, unknown>,
    timeoutMs?: number,
  ): Record<string, unknown> & { type: string };
  bytesSent(): Record<string, number>;
  presenceStats(): {
    window: number;
    gaps: number;
    undelivered: number;
    dropped: Record<string, number>;
    peers: Array<{
      peer: string;
      queued: number;
      inFlight: number;
      sent: number;
      droppedForBackpressure: number;
      undelivered: number;
    }>;
  };
  /** Waits until every peer has acknowledged what this member sent. */
  flushPresence(): void;
  hostReachable(): boolean;
  roster(): string[];
  windowSize(): number;
  heapAfterGc(): number;
}

export interface RoomVat {
  proc: VatProcess;
  vatId: string;
  address: string;
  control: import('@endo/far').ERef<Control>;
}

/** A room-vat fixture in a child process, driven through `driver`. */
export const roomVat = async (
  t: ExecutionContext,
  driver: Vat,
  opts: { dataDir?: string; listen?: string; limits?: object } = {},
): Promise<RoomVat> => {
  const proc = await childVat(t, {
    program: ROOM_VAT,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.listen ? { listen: opts.listen } : {}),
    args: opts.limits ? ['--limits', JSON.stringify(opts.limits)] : [],
  });
  const control = await driver.fetch<Control>(String(proc.ready.control));
  return { proc, vatId: proc.vatId, address: proc.address, control };
};

/** Each room vat joins `invite` under its name, one after the other (joins are in order). */
export const joinInOrder = async (
  invite: string,
  members: ReadonlyArray<readonly [RoomVat, string]>,
) => {
  for (const [member, name] of members) await E(member.control).join(invite, name);
};

/** A member in this process at the unum level, so a test can seal and forward envelopes as Mallory would. */
export const unumMember = async (t: ExecutionContext, invite: string, name: string) => {
  const { joinUnum, chatRoom } = await import('../unum/index.js');
  const vat = await testVat(t);
  const replica = await joinUnum(vat, chatRoom, invite, { name });
  t.teardown(() => replica.close());
  return { vat, replica, presence: replica.presence };
};
