// The seed's ValueListenable: `.value`, addListener/removeListener, plus
// `subscribe` for React's useSyncExternalStore, Vue, Svelte and friends.

export type VoidCallback = () => void;

export interface ValueListenable<T> {
  readonly value: T;
  addListener(listener: VoidCallback): void;
  removeListener(listener: VoidCallback): void;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: VoidCallback): () => void;
}

/** A ValueListenable the store can set. Listeners fire only on a real change. */
export class ValueNotifier<T> implements ValueListenable<T> {
  private current: T;
  private readonly listeners = new Set<VoidCallback>();

  constructor(
    initial: T,
    private readonly onListenerError: (err: unknown) => void,
  ) {
    this.current = deepFreeze(initial);
  }

  get value(): T {
    return this.current;
  }

  addListener(listener: VoidCallback): void {
    this.listeners.add(listener);
  }

  removeListener(listener: VoidCallback): void {
    this.listeners.delete(listener);
  }

  /** Bound, so it can be passed as is (e.g. to React's useSyncExternalStore). */
  readonly subscribe = (listener: VoidCallback): (() => void) => {
    this.addListener(listener);
    return () => this.removeListener(listener);
  };

  /** Sets the value; returns whether it changed (and listeners ran). */
  set(next: T): boolean {
    if (!this.stage(next)) return false;
    this.notify();
    return true;
  }

  /**
   * Sets the value without telling the listeners; returns whether it
   * changed. The store stages every value of a state, then notifies, so a
   * listener that reads another value never sees half a change.
   */
  stage(next: T): boolean {
    if (sameValue(this.current, next)) return false;
    this.current = deepFreeze(next);
    return true;
  }

  notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

/** Structural equality of plain data (the store's values are plain data). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
