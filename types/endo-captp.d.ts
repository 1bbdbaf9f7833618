// @endo/captp 4.5.1 ships no .d.ts: the few functions Stoa uses, typed.
// `marshalSaveError` exists only with patches/@endo+captp+4.5.1.patch.
declare module '@endo/captp' {
  export interface CapTPOptions {
    onReject?: (reason: unknown) => void;
    /** Called for each new reference the peer hands us. */
    exportHook?: (value: unknown, slot: string) => void;
    importHook?: (value: unknown, slot: string) => void;
    marshalSaveError?: (error: Error) => void;
    epoch?: number;
    gcImports?: boolean;
  }
  export interface CapTP {
    abort(reason?: unknown): void;
    dispatch(frame: Record<string, unknown>): boolean;
    getBootstrap(): Promise<unknown>;
    serialize(value: unknown): { body: string; slots: string[] };
    getStats(): {
      send: Record<string, number>;
      recv: Record<string, number>;
      gc: Record<string, number>;
    };
  }
  /** Two CapTP instances joined in one process (for tests and benchmarks). */
  export function makeLoopback(ourId: string): {
    makeFar<T>(x: T): Promise<unknown>;
    makeNear<T>(x: T): Promise<unknown>;
    getFarStats(): { send: Record<string, number>; recv: Record<string, number> };
    getNearStats(): { send: Record<string, number>; recv: Record<string, number> };
  };
  export function makeCapTP(
    ourId: string,
    rawSend: (frame: Record<string, unknown>) => void | PromiseLike<void>,
    bootstrap?: unknown,
    opts?: CapTPOptions,
  ): CapTP;
}
