// Bytes a set of processes wrote to their TCP sockets (TLS records and
// WebSocket frames included), read from the kernel's per-socket counters
// (`ss -tinp`, Linux iproute2). Sockets that closed meanwhile are not seen.
import { execFileSync } from 'node:child_process';

/** Sum of `bytes_sent` over the established TCP sockets each pid holds, per pid; undefined without `ss`. */
export const tcpBytesSent = (pids: readonly number[]): Map<number, number> | undefined => {
  let text: string;
  try {
    text = execFileSync('ss', ['-tinpH', 'state', 'established'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
  const wanted = new Set(pids);
  const sent = new Map<number, number>(pids.map(pid => [pid, 0]));
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const pid = Number(/pid=(\d+)/.exec(lines[i]!)?.[1]);
    if (!wanted.has(pid)) continue;
    const bytes = Number(/bytes_sent:(\d+)/.exec(lines[i + 1] ?? '')?.[1] ?? 0);
    sent.set(pid, sent.get(pid)! + bytes);
  }
  return sent;
};
