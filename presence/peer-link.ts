// presence/peer-link.ts: the outbound side of one peer. Envelopes queue per
// peer and go out in one-way deliveries (one frame each, docs/protocol.md
// §5.10) with a bound on deliveries not yet acknowledged, so a slow or stalled
// peer never delays the others and never grows our memory without bound: past
// `maxQueuePerPeer` the oldest queued envelopes are dropped and counted, and
// the peer catches up from windows (gap fill) when it returns. A batch is cut
// by its encoded bytes as well as its count, so it always fits the peer's
// frame limit.
//
// Acknowledgements are cumulative counts: the peer's inbox counts the
// deliveries it has taken, and tells us the count on its own next delivery to
// us (or alone, `ackDelayMs` after; see `owe`). A peer that does not tell us
// is asked: `heads()` answers the count too, and calls on one session run in
// order, so its answer covers every delivery sent before it. Envelopes whose
// delivery was never acknowledged are counted as undelivered, never as sent.
import { E, type ERef } from '@endo/far';
import type { VatId } from '../captp-transport/index.js';
import type { DeliveryItem, PeerInbox } from './inbox.js';
import type { PresenceLimits } from './limits.js';
import { checkHeadsReply } from './replies.js';
import { countWithin, encodedSize } from './wire-size.js';

export interface PeerLinkStats {
  peer: VatId;
  queued: number;
  /** Deliveries sent and not yet acknowledged. */
  inFlight: number;
  sent: number;
  droppedForBackpressure: number;
  /** Envelopes handed to this link that were never acknowledged: in an unacknowledged delivery, or queued, when it broke. */
  undelivered: number;
  broken: boolean;
}

export interface PeerLink {
  readonly peer: VatId;
  readonly inbox: ERef<PeerInbox>;
  /** Queues `item`; `size` is its encodedSize, computed once per envelope by the caller that fans it out. */
  send(item: DeliveryItem, size?: number): void;
  /** The count of deliveries the peer's inbox had taken before this link's first (its `heads().delivered`). */
  start(base: number): void;
  /** The peer says its inbox for us has taken `count` deliveries in all. */
  acked(count: number): void;
  /** We have taken `count` deliveries from the peer: tell it, on our next delivery or alone after `ackDelayMs`. */
  owe(count: number): void;
  /** Resolves when everything queued so far has been acknowledged (or the link broke). */
  drain(): Promise<void>;
  /** Breaks the link now (its session ended): queued envelopes are dropped and `onBroken` runs once with how many were undelivered. */
  fail(reason: Error): void;
  stats(): PeerLinkStats;
}

export type PeerLinkLimits = Pick<
  PresenceLimits,
  'maxQueuePerPeer' | 'maxInFlightPerPeer' | 'maxBatch' | 'maxBatchBytes' | 'ackDelayMs'
>;

export const makePeerLink = (
  peer: VatId,
  inbox: ERef<PeerInbox>,
  limits: PeerLinkLimits,
  /** Runs before each delivery leaves: it carries acknowledgements, and maybe our own envelopes (window-store.ts flushes). */
  beforeDeliver: () => void,
  onBroken: (reason: Error, undelivered: number) => void,
): PeerLink => {
  const queue: DeliveryItem[] = [];
  const sizes: number[] = [];
  /** Envelopes per delivery sent and not yet acknowledged, oldest first. */
  const unacked: number[] = [];
  let base: number | undefined;
  /** Deliveries of this link acknowledged so far. */
  let ackedDeliveries = 0;
  /** Deliveries we have taken from the peer; while `oweTimer` runs, the peer has yet to hear the count. */
  let taken = 0;
  let oweTimer: NodeJS.Timeout | undefined;
  let askTimer: NodeJS.Timeout | undefined;
  let asking = false;
  let sent = 0;
  let dropped = 0;
  let undelivered = 0;
  let broken: Error | undefined;
  let drained: Array<() => void> = [];

  const carried = () => unacked.reduce((sum, n) => sum + n, 0);

  const settleDrains = () => {
    if (broken || (queue.length === 0 && unacked.length === 0)) {
      const waiting = drained;
      drained = [];
      for (const resolve of waiting) resolve();
    }
  };

  const stopTimers = () => {
    clearTimeout(oweTimer);
    clearTimeout(askTimer);
    oweTimer = askTimer = undefined;
  };

  const fail = (reason: Error) => {
    if (!broken) {
      broken = reason;
      stopTimers();
      undelivered += queue.length + carried();
      queue.length = 0;
      sizes.length = 0;
      unacked.length = 0;
      onBroken(reason, undelivered);
    }
    settleDrains();
  };

  const acked = (count: number) => {
    // Before `start` this link has sent nothing: a count then is about an earlier link's deliveries.
    if (broken || base === undefined || !Number.isSafeInteger(count)) return;
    const newly = count - base - ackedDeliveries;
    if (newly <= 0 || newly > unacked.length) return; // stale, or more than we sent: ignored
    ackedDeliveries += newly;
    for (const n of unacked.splice(0, newly)) sent += n;
    if (unacked.length === 0) {
      clearTimeout(askTimer);
      askTimer = undefined;
    }
    pump();
    settleDrains();
  };

  /** Asks for the count now: the window is full, someone is draining, or the peer went quiet. */
  const ask = () => {
    clearTimeout(askTimer);
    askTimer = undefined;
    if (broken || asking || unacked.length === 0 || base === undefined) return;
    asking = true;
    E(inbox)
      .heads()
      .then(
        reply => {
          asking = false;
          const checked = checkHeadsReply(reply);
          if (!checked.ok) fail(Error(`[bad-reply] vat ${peer}: ${checked.why}`));
          else acked(checked.heads.delivered);
          if (unacked.length > 0) waitForAck();
        },
        (error: Error) => {
          asking = false;
          fail(error);
        },
      );
  };

  /** A peer that owes us an acknowledgement tells us within ackDelayMs; we ask after twice that. */
  const waitForAck = () => {
    if (askTimer || broken) return;
    askTimer = setTimeout(ask, 2 * limits.ackDelayMs);
    askTimer.unref();
  };

  /** Delivers `batch` with the count of the peer's deliveries we have taken (repeating it is harmless). */
  const deliver = (batch: DeliveryItem[]) => {
    clearTimeout(oweTimer);
    oweTimer = undefined;
    E.sendOnly(inbox).deliver(batch, taken);
  };

  const pump = () => {
    while (
      !broken &&
      base !== undefined &&
      unacked.length < limits.maxInFlightPerPeer &&
      queue.length > 0
    ) {
      beforeDeliver(); // first: if it fails, nothing has changed and nothing is sent
      const n = countWithin(sizes, limits.maxBatchBytes, limits.maxBatch);
      const batch = harden(queue.splice(0, n));
      sizes.splice(0, n);
      unacked.push(n);
      deliver(batch);
      waitForAck();
    }
    const full = unacked.length >= limits.maxInFlightPerPeer && queue.length > 0;
    if (full || drained.length > 0) ask();
  };

  return harden({
    peer,
    inbox,
    send(item: DeliveryItem, size = encodedSize(item)) {
      if (broken) return;
      queue.push(item);
      sizes.push(size);
      if (queue.length > limits.maxQueuePerPeer) {
        const excess = queue.length - limits.maxQueuePerPeer;
        queue.splice(0, excess);
        sizes.splice(0, excess);
        dropped += excess;
      }
      pump();
    },
    start(count: number) {
      if (base !== undefined) return;
      base = count;
      pump();
    },
    acked,
    owe(count: number) {
      if (broken) return;
      if (count <= taken) return;
      taken = count;
      if (oweTimer) return;
      oweTimer = setTimeout(() => {
        if (broken) return;
        beforeDeliver();
        deliver(harden([]));
      }, limits.ackDelayMs);
      oweTimer.unref();
    },
    drain: () =>
      new Promise<void>(resolve => {
        drained.push(resolve);
        settleDrains();
        ask();
      }),
    fail,
    stats: () =>
      harden({
        peer,
        queued: queue.length,
        inFlight: unacked.length,
        sent,
        droppedForBackpressure: dropped,
        undelivered,
        broken: broken !== undefined,
      }),
  });
};
harden(makePeerLink);
