// captp-transport/session.ts: one @endo/captp session over one authenticated
// WebSocket. It frames and checks every message, bounds the peer's questions
// in flight, watches liveness with ping/pong, and turns any ending (close,
// heartbeat loss, bad frame, the peer's disconnect, our abort) into one Error
// that names the peer and rejects everything pending across the session.
import { makeCapTP } from '@endo/captp';
import type { WebSocket } from 'ws';
import { debugLog } from './debug-log.js';
import { parseFrame, type Frame } from './frames.js';
import type { TransportLimits } from './limits.js';
import { short, type VatId } from './vat-id.js';

/** Codes carried as `[code]` at the start of a broken session's error message. */
export type BreakCode =
  | 'closed' // we ended it
  | 'disconnected' // the peer ended it
  | 'connection-lost' // the socket closed under us
  | 'heartbeat-lost' // the peer stopped answering pings
  | 'bad-frame' // the peer sent something that is not a valid CapTP frame
  | 'too-many-questions' // the peer exceeded maxQuestionsInFlight
  | 'peer-stalled' // the peer stopped reading; our queue passed maxBufferedBytes
  | 'replaced'; // a newer connection to the same peer took over

export interface FrameEvent {
  direction: 'in' | 'out';
  peer: VatId;
  type: string;
  bytes: number;
}

export interface SessionStats {
  peer: VatId;
  dialedBy: VatId;
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  questionsInFlight: number;
}

export interface PeerSession {
  readonly peer: VatId;
  /** The vat that opened the connection (the crossed-dial rule keeps the lower one's). */
  readonly dialedBy: VatId;
  /** The peer's gateway. The first call costs one round trip; pipelining works from there. */
  getBootstrap(): Promise<unknown>;
  /**
   * Ends the session. Every pending promise rejects with an Error whose message
   * is `[code] session between <self> and <peer> ended: <reason>`, and so does every
   * later send on its references (E semantics: they stay broken). Idempotent.
   */
  abort(code: BreakCode, reason: string): void;
  /** Sends a ping; aborts with `heartbeat-lost` unless a pong (or any frame) comes within `ms`. */
  probe(ms: number): void;
  /** Called once, with the session's ending, when it breaks (at once if it already has). */
  onBroken(watcher: (reason: Error) => void): void;
  readonly broken: Error | undefined;
  stats(): SessionStats;
}

export interface SessionOptions {
  ws: WebSocket;
  self: VatId;
  peer: VatId;
  dialedBy: VatId;
  bootstrap: object;
  limits: Readonly<TransportLimits>;
  onFrame?: ((event: FrameEvent) => void) | undefined;
}

const CLOSE_CODE = 4000; // application close; the reason rides in the CTP_DISCONNECT frame

export const makeSession = (opts: SessionOptions): PeerSession => {
  const { ws, self, peer, dialedBy, bootstrap, limits, onFrame } = opts;
  const label = `${short(self)}<->${short(peer)}`;
  const counters = { framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0 };
  /** The peer's questions we have not answered yet. */
  const inFlight = new Set<string>();
  const watchers: Array<(reason: Error) => void> = [];
  let broken: Error | undefined;
  let wireReason = '';
  let alive = true;
  let probeTimer: NodeJS.Timeout | undefined;

  const rawSend = (frame: Record<string, unknown>): void | Promise<void> => {
    if (ws.readyState !== ws.OPEN) {
      return Promise.reject(Error(`connection to ${short(peer)} is not open`));
    }
    // captp hands the abort's Error to us; the peer gets our short reason instead
    // (an Error would cross JSON as `{}`).
    const text = JSON.stringify(frame.type === 'CTP_DISCONNECT' ? { ...frame, reason: wireReason } : frame);
    if (frame.type === 'CTP_RETURN') inFlight.delete(frame.answerID as string);
    counters.framesSent += 1;
    counters.bytesSent += text.length;
    onFrame?.({ direction: 'out', peer, type: String(frame.type), bytes: text.length });
    ws.send(text);
    if (ws.bufferedAmount > limits.maxBufferedBytes) {
      // Deferred: captp is in the middle of sending.
      queueMicrotask(() =>
        abort('peer-stalled', `more than ${limits.maxBufferedBytes} bytes queued unread`),
      );
    }
    return undefined;
  };

  const captp = makeCapTP(label, rawSend, bootstrap, {
    onReject: reason => debugLog('transport', label, 'rejection', reason),
    marshalSaveError: error => debugLog('transport', label, 'sent error', error),
  });

  const abort = (code: BreakCode, reason: string): void => {
    if (broken) return;
    broken = Error(`[${code}] session between ${short(self)} and ${short(peer)} ended: ${reason}`);
    wireReason = `[${code}] ${reason}`;
    clearInterval(heartbeat);
    clearTimeout(probeTimer);
    captp.abort(broken); // rejects everything pending; tells the peer if the socket is open
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      ws.close(CLOSE_CODE, code);
    }
    const reasonNow = broken;
    for (const watcher of watchers.splice(0)) {
      try {
        watcher(reasonNow);
      } catch (error) {
        debugLog('transport', label, 'onBroken watcher threw', error);
      }
    }
  };

  // ws hands text and binary messages over as one Buffer (binaryType 'nodebuffer').
  const receive = (data: Buffer, isBinary: boolean): void => {
    if (broken) return;
    alive = true;
    counters.framesReceived += 1;
    counters.bytesReceived += data.length;
    if (isBinary) {
      abort('bad-frame', 'peer sent a binary message');
      return;
    }
    let frame: Frame;
    try {
      frame = parseFrame(data.toString('utf8'));
    } catch (error) {
      abort('bad-frame', (error as Error).message);
      return;
    }
    onFrame?.({ direction: 'in', peer, type: frame.type, bytes: data.length });
    if (frame.type === 'CTP_DISCONNECT') {
      const said = typeof frame.reason === 'string' ? frame.reason.slice(0, 200) : 'no reason given';
      abort('disconnected', `peer said ${JSON.stringify(said)}`);
      return;
    }
    if (frame.type === 'CTP_CALL' || frame.type === 'CTP_BOOTSTRAP') {
      inFlight.add(frame.questionID as string);
      if (inFlight.size > limits.maxQuestionsInFlight) {
        abort('too-many-questions', `peer had more than ${limits.maxQuestionsInFlight} calls in flight`);
        return;
      }
    }
    captp.dispatch(frame);
  };

  ws.on('message', (data, isBinary) => receive(data as Buffer, isBinary));
  ws.on('pong', () => {
    alive = true;
  });
  ws.on('error', error => debugLog('transport', label, 'socket error', error.message));
  ws.on('close', (code, why) => {
    abort('connection-lost', `socket closed (code ${code}${why.length ? `, ${why.toString('utf8').slice(0, 60)}` : ''})`);
  });

  const heartbeat = setInterval(() => {
    if (!alive) {
      abort('heartbeat-lost', `no answer to ping within ${limits.heartbeatMs} ms`);
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, limits.heartbeatMs);
  heartbeat.unref();

  const probe = (ms: number): void => {
    if (broken || probeTimer) return;
    alive = false;
    ws.ping();
    probeTimer = setTimeout(() => {
      probeTimer = undefined;
      if (!alive) {
        abort('heartbeat-lost', `no answer to a liveness probe within ${ms} ms`);
        ws.terminate();
      }
    }, ms);
    probeTimer.unref();
  };

  return harden({
    peer,
    dialedBy,
    getBootstrap: () => captp.getBootstrap(),
    abort,
    probe,
    onBroken(watcher: (reason: Error) => void) {
      if (broken) queueMicrotask(() => watcher(broken as Error));
      else watchers.push(watcher);
    },
    get broken() {
      return broken;
    },
    stats: () => harden({ peer, dialedBy, ...counters, questionsInFlight: inFlight.size }),
  });
};
harden(makeSession);
