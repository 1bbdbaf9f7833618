// captp-transport/session.ts: one @endo/captp session over one authenticated
// WebSocket. It frames and checks every message, bounds the peer's questions
// in flight, watches liveness with ping/pong, and turns any ending (close,
// heartbeat loss, bad frame, the peer's disconnect, our abort) into one Error
// that names the peer and rejects everything pending across the session.
import type { Socket } from 'node:net';
import { makeCapTP } from '@endo/captp';
import type { WebSocket } from 'ws';
import { debugLog } from './debug-log.js';
import { EPOCH, parseFrame, type Frame } from './frames.js';
import type { TransportLimits } from './limits.js';
import { makeTurnWrites } from './turn-writes.js';
import { carriedDrops, isQuestionDrop, makeQuestionDrops } from './question-drops.js';
import { short, type VatId } from './vat-id.js';

/** Codes carried as `[code]` at the start of a broken session's error message. */
export type BreakCode =
  | 'closed' // we ended it
  | 'disconnected' // the peer ended it
  | 'connection-lost' // the socket closed under us
  | 'heartbeat-lost' // the peer stopped answering pings
  | 'bad-frame' // the peer sent something that is not a valid CapTP frame
  | 'too-many-questions' // the peer had us hold more than maxQuestionsInFlight answers
  | 'too-many-imports' // the peer handed us more than maxImportsPerSession references
  | 'peer-stalled' // the peer stopped reading; our queue passed maxBufferedBytes
  | 'idle' // no reference exchanged and no call either way for idleSessionMs
  | 'evicted' // the session table was full, and this session held no references
  | 'replaced'; // a newer connection to the same peer took over

export interface FrameEvent {
  direction: 'in' | 'out';
  peer: VatId;
  type: string;
  bytes: number;
}

/**
 * How this vat's dial reached the peer: `direct`, through a `relay`'s
 * circuit, or `punched` (a direct connection the relay helped two vats behind
 * NAT open); `inbound` when the peer dialed us.
 */
export type SessionPath = 'direct' | 'relay' | 'punched' | 'inbound';

export interface SessionStats {
  peer: VatId;
  dialedBy: VatId;
  path: SessionPath;
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Answers we hold for the peer: calls unanswered, or answered and not yet dropped. */
  questionsInFlight: number;
  /** References the peer has handed us that we still hold. */
  imports: number;
  /** References exchanged over this session, either way, ever, bootstraps aside: 0 means nothing would break if it closed. */
  referencesExchanged: number;
  /** Milliseconds since the last call either way. */
  idleMs: number;
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
  /** Called once, with the session's ending, when it breaks (at once if it already has). Returns a function that stops watching. */
  onBroken(watcher: (reason: Error) => void): () => void;
  readonly broken: Error | undefined;
  stats(): SessionStats;
}

export interface SessionOptions {
  ws: WebSocket;
  self: VatId;
  peer: VatId;
  dialedBy: VatId;
  path: SessionPath;
  bootstrap: object;
  limits: Readonly<TransportLimits>;
  onFrame?: ((event: FrameEvent) => void) | undefined;
}

const CLOSE_CODE = 4000; // application close; the reason rides in the CTP_DISCONNECT frame

export const makeSession = (opts: SessionOptions): PeerSession => {
  const { ws, self, peer, dialedBy, path, bootstrap, limits, onFrame } = opts;
  const label = `${short(self)}<->${short(peer)}`;
  const counters = { framesSent: 0, framesReceived: 0, bytesSent: 0, bytesReceived: 0 };
  /**
   * Answers captp holds for the peer: from its call until its drop (a patched
   * peer drops each answer once returned). Question numbers must rise, so a
   * peer cannot reuse one to slip past the count.
   */
  const answersHeld = new Set<string>();
  let lastQuestion = 0;
  /** References the peer handed us that we still hold (one we no longer reach is dropped). */
  let imports = 0;
  /** References the peer ever handed us over the session: a session that has any is never idle. */
  let importsEver = 0;
  /** References handed to the peer, its view of our bootstrap aside. */
  let exports = 0;
  /** Whether we asked for the peer's bootstrap: that import does not count as holding a reference. */
  let bootstrapped = false;
  /** The last call either way (a bootstrap counts): an idle session is closed. */
  let lastCall = Date.now();
  const watchers: Array<(reason: Error) => void> = [];
  let broken: Error | undefined;
  let wireReason = '';
  let lastHeard = Date.now();
  let probeTimer: NodeJS.Timeout | undefined;

  const notify = (watcher: (reason: Error) => void, reason: Error) => {
    try {
      watcher(reason);
    } catch (error) {
      debugLog('transport', label, 'onBroken watcher threw', error);
    }
  };

  /** A frame too large for the peer to take: fail that one exchange, not the session. */
  const tooLarge = (
    frame: Record<string, unknown>,
    bytes: number,
  ): Record<string, unknown> | undefined => {
    const error = harden(
      Error(
        `[too-large] a ${bytes}-byte message exceeds the ${limits.maxFrameBytes}-byte frame limit`,
      ),
    );
    if (frame.type === 'CTP_RETURN')
      return {
        type: 'CTP_RETURN',
        epoch: EPOCH,
        answerID: frame.answerID,
        exception: captp.serialize(error),
      };
    if (frame.type === 'CTP_RESOLVE')
      return { type: 'CTP_RESOLVE', promiseID: frame.promiseID, rej: captp.serialize(error) };
    if (frame.type === 'CTP_CALL') {
      // Never sent: answer our own question with the failure.
      const answer = {
        type: 'CTP_RETURN',
        epoch: EPOCH,
        answerID: frame.questionID,
        exception: captp.serialize(error),
      };
      queueMicrotask(() => captp.dispatch(answer));
    }
    return undefined;
  };

  // ws keeps its socket private; the session writes through ws alone, so corking it is safe.
  const drops = makeQuestionDrops();
  const beforeWrite = makeTurnWrites((ws as unknown as { _socket: Socket })._socket, () => {
    const held = drops.take();
    if (held) sendFrame(held);
  });

  const sendFrame = (frame: Record<string, unknown>): void => {
    if (ws.readyState !== ws.OPEN) {
      // Closing under us: end the session properly rather than let captp abort itself.
      queueMicrotask(() => abort('connection-lost', 'the socket is closing'));
      return;
    }
    // captp hands the abort's Error to us; the peer gets our short reason instead
    // (an Error would cross JSON as `{}`).
    let text = JSON.stringify(
      frame.type === 'CTP_DISCONNECT' ? { ...frame, reason: wireReason } : frame,
    );
    // The peer's limit counts UTF-8 bytes (ws maxPayload), not UTF-16 units.
    let bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > limits.maxFrameBytes) {
      const replacement = tooLarge(frame, bytes);
      if (!replacement) return;
      text = JSON.stringify(replacement);
      bytes = Buffer.byteLength(text, 'utf8');
    }
    counters.framesSent += 1;
    counters.bytesSent += bytes;
    if (frame.type === 'CTP_CALL' || frame.type === 'CTP_BOOTSTRAP') lastCall = Date.now();
    if (frame.type === 'CTP_DROP' && /^[op]-/.test(String(frame.slotID))) imports -= 1;
    onFrame?.({ direction: 'out', peer, type: String(frame.type), bytes });
    beforeWrite();
    ws.send(text);
    if (ws.bufferedAmount > limits.maxBufferedBytes) {
      // Deferred: captp is in the middle of sending.
      queueMicrotask(() =>
        abort('peer-stalled', `more than ${limits.maxBufferedBytes} bytes queued unread`),
      );
    }
  };

  /** What captp sends: an answered question's drop waits for the next frame or the turn's end (question-drops.ts). */
  const rawSend = (frame: Record<string, unknown>): void => {
    if (!isQuestionDrop(frame)) {
      sendFrame(drops.carry(frame));
      return;
    }
    beforeWrite(); // the turn's end sends it if no frame carries it
    if (drops.hold(frame)) sendFrame(drops.take()!);
  };

  const captp = makeCapTP(label, rawSend, bootstrap, {
    // An import we no longer reach is dropped (CTP_DROP) and the peer forgets
    // its export, so a session that outlives many memberships does not keep
    // them all (needs the patch's drop-count fixes: patches/@endo+captp+4.5.1.patch).
    gcImports: true,
    onReject: reason => debugLog('transport', label, 'rejection', reason),
    marshalSaveError: error => debugLog('transport', label, 'sent error', error),
    exportHook: value => {
      if (value !== bootstrap) exports += 1;
    },
    importHook: () => {
      imports += 1;
      importsEver += 1;
      if (imports > limits.maxImportsPerSession) {
        queueMicrotask(() =>
          abort(
            'too-many-imports',
            `peer handed us more than ${limits.maxImportsPerSession} references`,
          ),
        );
      }
    },
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
    for (const watcher of watchers.splice(0)) notify(watcher, reasonNow);
  };

  /** Keeps the count of answers held for the peer; false if the frame must not reach captp. */
  const account = (frame: Frame): boolean => {
    if (frame.type === 'CTP_CALL' || frame.type === 'CTP_BOOTSTRAP') {
      lastCall = Date.now();
      if (frame.questionID === undefined) return true; // one-way: no answer is held
      const n = Number((frame.questionID as string).slice(2));
      if (n <= lastQuestion) {
        abort('bad-frame', `question ${n} does not follow question ${lastQuestion}`);
        return false;
      }
      lastQuestion = n;
      answersHeld.add(frame.questionID as string);
      if (answersHeld.size > limits.maxQuestionsInFlight) {
        abort(
          'too-many-questions',
          `peer had us hold more than ${limits.maxQuestionsInFlight} answers`,
        );
        return false;
      }
    } else if (frame.type === 'CTP_DROP') {
      answersHeld.delete(frame.slotID as string);
    }
    return true;
  };

  // ws hands text and binary messages over as one Buffer (binaryType 'nodebuffer').
  const receive = (data: Buffer, isBinary: boolean): void => {
    if (broken) return;
    lastHeard = Date.now();
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
      const said =
        typeof frame.reason === 'string' ? frame.reason.slice(0, 200) : 'no reason given';
      abort('disconnected', `peer said ${JSON.stringify(said)}`);
      return;
    }
    // Drops a frame carries came before it (question-drops.ts).
    for (const drop of carriedDrops(frame)) if (account(drop as Frame)) captp.dispatch(drop);
    if (account(frame)) captp.dispatch(frame);
  };

  ws.on('message', (data, isBinary) => receive(data as Buffer, isBinary));
  ws.on('pong', () => {
    lastHeard = Date.now();
  });
  ws.on('error', error => debugLog('transport', label, 'socket error', error.message));
  ws.on('close', (code, why) => {
    abort(
      'connection-lost',
      `socket closed (code ${code}${why.length ? `, ${why.toString('utf8').slice(0, 60)}` : ''})`,
    );
  });

  const referencesExchanged = () => exports + importsEver - (bootstrapped ? 1 : 0);
  const tickMs = Math.min(limits.heartbeatMs, limits.idleSessionMs);
  let lastTick = Date.now();
  const heartbeat = setInterval(() => {
    const late = Date.now() - lastTick > 2 * tickMs;
    lastTick = Date.now();
    if (late) {
      // This process was frozen (SIGSTOP, a sleeping laptop): the silence was
      // ours. Read what waited, and judge the peer from the next tick on.
      lastHeard = Date.now();
      ws.ping();
      return;
    }
    if (Date.now() - lastHeard > 2 * limits.heartbeatMs) {
      abort('heartbeat-lost', `no answer to ping within ${limits.heartbeatMs} ms`);
      ws.terminate();
      return;
    }
    // Pongs are automatic, so liveness alone would keep a stranger's empty session forever.
    if (referencesExchanged() <= 0 && Date.now() - lastCall > limits.idleSessionMs) {
      abort('idle', `no reference exchanged and no call for ${limits.idleSessionMs} ms`);
      return;
    }
    ws.ping();
  }, tickMs);
  heartbeat.unref();

  const probe = (ms: number): void => {
    if (broken || probeTimer) return;
    const asked = Date.now();
    ws.ping();
    probeTimer = setTimeout(() => {
      probeTimer = undefined;
      if (lastHeard < asked) {
        abort('heartbeat-lost', `no answer to a liveness probe within ${ms} ms`);
        ws.terminate();
      }
    }, ms);
    probeTimer.unref();
  };

  return harden({
    peer,
    dialedBy,
    getBootstrap: () => {
      bootstrapped = true;
      return captp.getBootstrap();
    },
    abort,
    probe,
    onBroken(watcher: (reason: Error) => void) {
      if (broken) {
        const reason = broken;
        queueMicrotask(() => notify(watcher, reason));
        return () => {};
      }
      watchers.push(watcher);
      // A long session outlives many watchers (links re-made, members re-attaching): they leave.
      return () => {
        const at = watchers.indexOf(watcher);
        if (at >= 0) watchers.splice(at, 1);
      };
    },
    get broken() {
      return broken;
    },
    stats: () =>
      harden({
        peer,
        dialedBy,
        path,
        ...counters,
        questionsInFlight: answersHeld.size,
        imports,
        referencesExchanged: referencesExchanged(),
        idleMs: Date.now() - lastCall,
      }),
  });
};
harden(makeSession);
