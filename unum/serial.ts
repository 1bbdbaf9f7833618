// unum/serial.ts: runs async steps one at a time, in call order, so roster
// changes (joins, leaves, kicks) never interleave. A failed step does not
// stop the ones after it.
export const makeSerial = () => {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = tail.then(step, step);
    tail = run.catch(() => undefined);
    return run;
  };
};
harden(makeSerial);

/** Rejects with `[timeout] <what>` if `promise` takes longer than `ms`. */
export const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Error(`[timeout] ${what} took longer than ${ms} ms`)),
      ms,
    );
    timer.unref();
    promise.then(
      value => {
        clearTimeout(timer);
        resolve(value);
      },
      error => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
harden(withTimeout);

/** Resolves after `ms` (a timer that does not keep the process alive). */
export const pause = (ms: number): Promise<void> =>
  new Promise(resolve => setTimeout(resolve, ms).unref());
harden(pause);
