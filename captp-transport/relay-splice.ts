// captp-transport/relay-splice.ts: a relay's circuit, the bytes of one inner
// TLS connection forwarded both ways as they come. The relay never reads
// them; it counts them against the circuit's bounds and the relay's rate.

/** The relay's forwarding rate, shared by all its circuits: a one-second window. */
export interface RateMeter {
  /** Counts `bytes`; returns how long the sender should wait (0 within the rate). */
  spend(bytes: number): number;
}

export const makeRateMeter = (bytesPerSecond: number, now = Date.now): RateMeter => {
  let windowStart = now();
  let used = 0;
  return harden({
    spend(bytes: number) {
      const at = now();
      if (at - windowStart >= 1000) {
        windowStart = at;
        used = 0;
      }
      used += bytes;
      return used > bytesPerSecond ? 1000 - (at - windowStart) : 0;
    },
  });
};
harden(makeRateMeter);

/** Either end of a circuit: a net.Socket, or anything with its stream methods (tests). */
export interface CircuitEnd {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close' | 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  write(chunk: Buffer): boolean;
  pause(): unknown;
  resume(): unknown;
  end(): unknown;
  destroy(): unknown;
  readonly writableNeedDrain: boolean;
}

export interface SpliceBounds {
  maxBytes: number;
  maxMs: number;
  meter: RateMeter;
  /** Each forwarded chunk's size. */
  onBytes(bytes: number): void;
  /** Once, when the circuit is over: why, in words. */
  onClose(why: string): void;
}

export const splice = (a: CircuitEnd, b: CircuitEnd, bounds: SpliceBounds): void => {
  let carried = 0;
  let over = false;
  const finish = (why: string) => {
    if (over) return;
    over = true;
    clearTimeout(lifetime);
    a.destroy();
    b.destroy();
    bounds.onClose(why);
  };
  const lifetime = setTimeout(
    () => finish(`open for its longest, ${bounds.maxMs} ms`),
    bounds.maxMs,
  );
  lifetime.unref?.();

  const forward = (from: CircuitEnd, to: CircuitEnd) => {
    let waitingForRate = false;
    const resumeIfFree = () => {
      if (!waitingForRate && !to.writableNeedDrain) from.resume();
    };
    from.on('data', chunk => {
      carried += chunk.length;
      if (carried > bounds.maxBytes) {
        finish(`carried its most, ${bounds.maxBytes} bytes`);
        return;
      }
      bounds.onBytes(chunk.length);
      const flowing = to.write(chunk);
      const wait = bounds.meter.spend(chunk.length);
      if (wait > 0) {
        waitingForRate = true;
        setTimeout(() => {
          waitingForRate = false;
          resumeIfFree();
        }, wait);
      }
      if (!flowing || wait > 0) from.pause();
    });
    to.on('drain', resumeIfFree);
    // A half-close passes through: TLS sends close_notify before it.
    from.on('end', () => to.end());
    from.on('close', () => finish('one end closed'));
    from.on('error', () => finish('one end failed'));
  };
  forward(a, b);
  forward(b, a);
};
harden(splice);
