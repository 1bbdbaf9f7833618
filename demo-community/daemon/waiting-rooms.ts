// demo-community/daemon/waiting-rooms.ts: rooms a restarted vat could not
// host or join again (its moderation service or the room's host is away, or
// refused it). The vat starts anyway; each such room is listed with the error
// and tried again with backoff until it works or the vat stops, so one
// unreachable service never leaves a half-started vat.

const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;

export interface WaitingRoom {
  /** `host` for a room this vat hosts, `member` for one it joined, `replica` for one it is a replica of. */
  role: 'host' | 'member' | 'replica';
  /** The room's name (hosted, replica) or invite (joined), as the desk saved it. */
  name: string;
  /** What the last attempt failed with (the `[code]` message). */
  error: string;
  /** When the next attempt is made (ms since the epoch). */
  retryAt: number;
}

export const makeWaitingRooms = () => {
  const waiting = new Map<string, WaitingRoom & { timer: NodeJS.Timeout }>();
  /** Keys still to be brought up: an attempt that fails after `forget` is not listed again. */
  const wanted = new Set<string>();
  let closed = false;

  /** Runs `attempt` now; on failure lists the room and retries with backoff. */
  const start = async (
    key: string,
    room: Omit<WaitingRoom, 'error' | 'retryAt'>,
    attempt: () => Promise<unknown>,
    wait = FIRST_RETRY_MS,
  ): Promise<void> => {
    wanted.add(key);
    try {
      await attempt();
      forget(key);
    } catch (error) {
      if (closed || !wanted.has(key)) return;
      const timer = setTimeout(
        () => void start(key, room, attempt, Math.min(wait * 2, MAX_RETRY_MS)),
        wait,
      );
      timer.unref();
      waiting.set(key, {
        ...room,
        error: (error as Error).message,
        retryAt: Date.now() + wait,
        timer,
      });
    }
  };

  /** Stops retrying `key` (it is up, or the user brought it up by hand). */
  const forget = (key: string) => {
    wanted.delete(key);
    clearTimeout(waiting.get(key)?.timer);
    waiting.delete(key);
  };

  return harden({
    start,
    forget,
    list: (): WaitingRoom[] =>
      [...waiting.values()].map(({ role, name, error, retryAt }) => ({
        role,
        name,
        error,
        retryAt,
      })),
    close() {
      closed = true;
      for (const { timer } of waiting.values()) clearTimeout(timer);
      waiting.clear();
    },
  });
};
harden(makeWaitingRooms);
