// Shared by the bench:fanout programs: line-oriented JSON on stdin/stdout
// between the driver and each process, kept off the measured sockets.
import { createInterface } from 'node:readline';

export interface Line {
  /** Sender index. */
  i: number;
  /** Sender's line number. */
  s: number;
  /** Send time, ms since the epoch (performance.timeOrigin-based, sub-ms). */
  t: number;
}

export const now = () => performance.timeOrigin + performance.now();

/** A chat line of about 80 characters carrying its origin and send time. */
export const makeLine = (i: number, s: number): string => {
  const head = JSON.stringify({ i, s, t: now() });
  return `${head}${' hello from a benchmark participant '.slice(0, Math.max(0, 80 - head.length))}`;
};

export const parseLine = (text: string): Line | undefined => {
  const end = text.indexOf('}');
  try {
    return JSON.parse(text.slice(0, end + 1)) as Line;
  } catch {
    return undefined;
  }
};

// Warm-up lines (sent before the measured span, never counted in it) have
// negative numbers.

export interface Recorder {
  record(text: string, self: number): void;
  /** Resolves once `count` warm-up lines from the others have arrived. */
  warmedUp(count: number): Promise<void>;
  report(): { latencies: number[]; duplicates: number; received: number };
}

export const makeRecorder = (): Recorder => {
  const seen = new Set<string>();
  const latencies: number[] = [];
  let duplicates = 0;
  const warm = new Set<string>();
  let warmWait: { count: number; resolve: () => void } | undefined;
  return {
    record(text, self) {
      const line = parseLine(text);
      if (!line || line.i === self) return;
      if (line.s < 0) {
        warm.add(`${line.i}:${line.s}`);
        if (warmWait && warm.size >= warmWait.count) warmWait.resolve();
        return;
      }
      const key = `${line.i}:${line.s}`;
      if (seen.has(key)) {
        duplicates += 1;
        return;
      }
      seen.add(key);
      latencies.push(now() - line.t);
    },
    warmedUp: count =>
      new Promise<void>(resolve => {
        if (warm.size >= count) resolve();
        else warmWait = { count, resolve };
      }),
    report: () => ({ latencies, duplicates, received: seen.size }),
  };
};

/** Sends `count` lines, one every `intervalMs`, starting at `startAt` plus a per-sender phase, numbered from `firstNumber`. */
export const sendLines = async (
  i: number,
  count: number,
  intervalMs: number,
  startAt: number,
  phase: number,
  send: (text: string) => unknown,
  firstNumber = 0,
) => {
  const first = startAt + phase;
  for (let s = 0; s < count; s += 1) {
    const wait = first + s * intervalMs - now();
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
    await send(makeLine(i, firstNumber + s));
  }
};

/** Reads commands (one JSON object per line) from the driver. */
export const onCommands = (
  handle: (command: Record<string, unknown>) => Promise<unknown> | unknown,
) => {
  createInterface({ input: process.stdin }).on('line', async text => {
    const reply = await handle(JSON.parse(text));
    if (reply !== undefined) console.log(JSON.stringify(reply));
  });
};

export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
