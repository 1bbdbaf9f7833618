// presence/peer-link.ts: the outbound side of one peer. Envelopes queue per
// peer and go out in batches with a bound on calls in flight, so a slow or
// stalled peer never delays the others and never grows our memory without
// bound: past `maxQueuePerPeer` the oldest queued envelopes are dropped and
// counted, and the peer catches up from windows (gap fill) when it returns.
import { E, type ERef } from '@endo/far';
import type { VatId } from '../captp-transport/index.js';
import type { WireEnvelope } from './envelope.js';
import type { PeerInbox } from './inbox.js';
import type { PresenceLimits } from './limits.js';

export interface PeerLinkStats {
  peer: VatId;
  queued: number;
  inFlight: number;
  sent: number;
  droppedForBackpressure: number;
  broken: boolean;
}

export interface PeerLink {
  readonly peer: VatId;
  readonly inbox: ERef<PeerInbox>;
  send(wire: WireEnvelope): void;
  /** Resolves when everything queued so far has been acknowledged (or the link broke). */
  drain(): Promise<void>;
  /** Breaks the link now (its session ended): queued envelopes are dropped and `onBroken` runs once. */
  fail(reason: Error): void;
  stats(): PeerLinkStats;
}

export const makePeerLink = (
  peer: VatId,
  inbox: ERef<PeerInbox>,
  limits: Pick<PresenceLimits, 'maxQueuePerPeer' | 'maxInFlightPerPeer' | 'maxBatch'>,
  onBroken: (reason: Error) => void,
): PeerLink => {
  const queue: WireEnvelope[] = [];
  let inFlight = 0;
  let sent = 0;
  let dropped = 0;
  let broken: Error | undefined;
  let drained: Array<() => void> = [];

  const settleDrains = () => {
    if (broken || (queue.length === 0 && inFlight === 0)) {
      const waiting = drained;
      drained = [];
      for (const resolve of waiting) resolve();
    }
  };

  const fail = (reason: Error) => {
    if (!broken) {
      broken = reason;
      queue.length = 0;
      onBroken(reason);
    }
    settleDrains();
  };

  const pump = () => {
    while (!broken && inFlight < limits.maxInFlightPerPeer && queue.length > 0) {
      const batch = harden(queue.splice(0, limits.maxBatch));
      inFlight += 1;
      E(inbox)
        .deliver(batch)
        .then(
          () => {
            sent += batch.length;
            inFlight -= 1;
            pump();
            settleDrains();
          },
          (error: Error) => {
            inFlight -= 1;
            fail(error);
          },
        );
    }
  };

  return harden({
    peer,
    inbox,
    send(wire: WireEnvelope) {
      if (broken) return;
      queue.push(wire);
      if (queue.length > limits.maxQueuePerPeer) {
        const excess = queue.length - limits.maxQueuePerPeer;
        queue.splice(0, excess);
        dropped += excess;
      }
      pump();
    },
    drain: () =>
      new Promise<void>(resolve => {
        drained.push(resolve);
        settleDrains();
      }),
    fail,
    stats: () =>
      harden({
        peer,
        queued: queue.length,
        inFlight,
        sent,
        droppedForBackpressure: dropped,
        broken: broken !== undefined,
      }),
  });
};
harden(makePeerLink);
