// captp-transport/turn-writes.ts: the frames a session sends in one turn
// leave the socket in one write (one TLS record, one syscall) rather than one
// each. Answering a batch of calls sends a frame per call from the promise
// jobs of one turn, and each frame paid for its own record and syscall. The
// frames on the wire are the same (docs/protocol.md §2.4).
import type { Socket } from 'node:net';

/**
 * Returns `beforeWrite`, to call before each write to `socket`: the first in a
 * turn corks the socket, and a tick uncorks it. A tick queued from a promise
 * job runs once the job queue is empty, so every frame the turn's promise jobs
 * send is in the one write; nothing waits for a later turn. `atTurnEnd` runs
 * just before the uncork, so what it writes (held question drops) is in that
 * write too.
 */
export const makeTurnWrites = (socket: Socket, atTurnEnd?: () => void): (() => void) => {
  let corked = false;
  const uncork = () => {
    atTurnEnd?.();
    corked = false;
    socket.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    socket.cork();
    process.nextTick(uncork);
  };
};
harden(makeTurnWrites);
