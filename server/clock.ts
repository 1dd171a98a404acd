// Time is injected so every timeout rule (R7) can be tested deterministically.

/** Milliseconds since the Unix epoch, as the server sees them. */
export interface Clock {
  now(): number;
}

/** Runs callbacks at given clock times; `cancel` stops one that has not run. */
export interface Scheduler {
  schedule(at: number, run: () => void): { cancel(): void };
}

export const systemClock: Clock & Scheduler = {
  now: () => Date.now(),
  schedule(at, run) {
    // Node's timers run on a monotonic clock and may fire a millisecond
    // before Date.now() reaches `at`; wait again until it has, so whoever
    // runs sees the deadline as passed.
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      timer = setTimeout(() => (Date.now() >= at ? run() : arm()), Math.max(0, at - Date.now()));
      timer.unref();
    };
    arm();
    return { cancel: () => clearTimeout(timer) };
  },
};
