// presence/peer-link.ts: the outbound side of one peer. Envelopes queue per
// peer and go out in batches with a bound on calls in flight, so a slow or
// stalled peer never delays the others and never grows our memory without
// bound: past `maxQueuePerPeer` the oldest queued envelopes are dropped and
// counted, and the peer catches up from windows (gap fill) when it returns.
// A batch is cut by its encoded bytes as well as its count, so it always fits
// the peer's frame limit; envelopes a failed delivery carried are counted as
// undelivered, never as sent.
import { E, type ERef } from '@endo/far';
import type { VatId } from '../captp-transport/index.js';
import type { WireEnvelope } from './envelope.js';
import type { PeerInbox } from './inbox.js';
import type { PresenceLimits } from './limits.js';
import { countWithin, encodedSize } from './wire-size.js';

export interface PeerLinkStats {
  peer: VatId;
  queued: number;
  inFlight: number;
  sent: number;
  droppedForBackpressure: number;
  /** Envelopes handed to this link that were never acknowledged: in a failed delivery, or queued when it broke. */
  undelivered: number;
  broken: boolean;
}

export interface PeerLink {
  readonly peer: VatId;
  readonly inbox: ERef<PeerInbox>;
  /** Queues `wire`; `size` is its encodedSize, computed once per envelope by the caller that fans it out. */
  send(wire: WireEnvelope, size?: number): void;
  /** Resolves when everything queued so far has been acknowledged (or the link broke). */
  drain(): Promise<void>;
  /** Breaks the link now (its session ended): queued envelopes are dropped and `onBroken` runs once with how many were undelivered. */
  fail(reason: Error): void;
  stats(): PeerLinkStats;
}

export const makePeerLink = (
  peer: VatId,
  inbox: ERef<PeerInbox>,
  limits: Pick<
    PresenceLimits,
    'maxQueuePerPeer' | 'maxInFlightPerPeer' | 'maxBatch' | 'maxBatchBytes'
  >,
  onBroken: (reason: Error, undelivered: number) => void,
): PeerLink => {
  const queue: WireEnvelope[] = [];
  const sizes: number[] = [];
  let inFlight = 0;
  /** Envelopes in deliveries not yet answered. */
  let carried = 0;
  let sent = 0;
  let dropped = 0;
  let undelivered = 0;
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
      undelivered += queue.length + carried;
      queue.length = 0;
      sizes.length = 0;
      onBroken(reason, undelivered);
    }
    settleDrains();
  };

  const pump = () => {
    while (!broken && inFlight < limits.maxInFlightPerPeer && queue.length > 0) {
      const n = countWithin(sizes, limits.maxBatchBytes, limits.maxBatch);
      const batch = harden(queue.splice(0, n));
      sizes.splice(0, n);
      inFlight += 1;
      carried += n;
      E(inbox)
        .deliver(batch)
        .then(
          () => {
            sent += n;
            carried -= n;
            if (broken) undelivered -= n; // counted when the link broke, yet it arrived
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
    send(wire: WireEnvelope, size = encodedSize(wire)) {
      if (broken) return;
      queue.push(wire);
      sizes.push(size);
      if (queue.length > limits.maxQueuePerPeer) {
        const excess = queue.length - limits.maxQueuePerPeer;
        queue.splice(0, excess);
        sizes.splice(0, excess);
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
        undelivered,
        broken: broken !== undefined,
      }),
  });
};
harden(makePeerLink);
