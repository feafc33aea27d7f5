// Failed sign-ins counted per account and per address in a sliding window. In memory: one server process
// holds the counters; a restart forgets them, which only ever errs towards letting a person in.
export type Throttle = {
  /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
  retryAfter(keys: string[]): number;
  fail(keys: string[]): void;
  clear(keys: string[]): void;
};

export function createThrottle(options: {
  windowMs: number;
  limits: (key: string) => number;
  now?: () => number;
}): Throttle {
  const failures = new Map<string, number[]>();
  const now = options.now ?? Date.now;
  const recent = (key: string) => {
    const cutoff = now() - options.windowMs;
    const times = (failures.get(key) ?? []).filter((time) => time > cutoff);
    if (times.length) failures.set(key, times);
    else failures.delete(key);
    return times;
  };
  return {
    retryAfter(keys) {
      let wait = 0;
      for (const key of keys) {
        const times = recent(key);
        const limit = options.limits(key);
        if (times.length >= limit) {
          const oldest = times[times.length - limit] ?? now();
          wait = Math.max(wait, Math.ceil((oldest + options.windowMs - now()) / 1000));
        }
      }
      return wait;
    },
    fail(keys) {
      for (const key of keys) failures.set(key, [...recent(key), now()]);
    },
    clear(keys) {
      for (const key of keys) failures.delete(key);
    },
  };
}
