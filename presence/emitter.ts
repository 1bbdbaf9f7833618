// presence/emitter.ts: a small typed event emitter. A listener that throws is
// reported on 'error' (or to the console if nobody listens), never to the
// emitter, so one bad app handler cannot stop delivery to the others.

export type Listener<T> = (event: T) => void;

export interface Emitter<Events extends Record<string, unknown>> {
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void;
  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void;
  emit<K extends keyof Events>(name: K, event: Events[K]): void;
}

export const makeEmitter = <Events extends Record<string, unknown>>(): Emitter<Events> => {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  const emitter: Emitter<Events> = {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      set.add(listener as Listener<never>);
      listeners.set(name, set);
      return () => emitter.off(name, listener);
    },
    off(name, listener) {
      listeners.get(name)?.delete(listener as Listener<never>);
    },
    emit(name, event) {
      for (const listener of [...(listeners.get(name) ?? [])]) {
        try {
          (listener as Listener<Events[typeof name]>)(event);
        } catch (error) {
          if (name !== 'error' && listeners.get('error' as keyof Events)?.size)
            emitter.emit('error' as keyof Events, error as Events[keyof Events]);
          else console.error(`stoa: a ${String(name)} listener threw`, error);
        }
      }
    },
  };
  return harden(emitter);
};
harden(makeEmitter);
