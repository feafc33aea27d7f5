import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { foldUsage } from './queries';

// Usage batches sent on their own are acknowledged once appended to the partner's usage log (migration 008).
// They are folded into the month rows and projections when the partner's ingest has been quiet for a moment,
// so batches sent back to back are folded together, each month row and projection row written once for all of
// them; and before any request reads or writes the partner's data (settle), so no answer misses an
// acknowledged row. The log is in the database: another server process, or this one after a restart, folds it
// just the same.

export type UsageLog = {
  /** A batch of `rows` was appended to the partner's log. */
  appended: (partnerId: string, rows: number) => void;
  /** Folds whatever the partner's log holds; what runs after it sees every acknowledged row. */
  settle: (partnerId: string) => Promise<void>;
  /** Stops waiting for quiet moments and waits for a fold under way. */
  close: () => Promise<void>;
};

type Pending = { timer?: NodeJS.Timeout; rows: number };

export function createUsageLog({
  db,
  quietMs = 300,
  maxPendingRows = 1_000_000,
  onError,
}: {
  db: Kysely<DB>;
  /** How long the partner's ingest must pause before its log is folded. */
  quietMs?: number;
  /** A log holding this many rows is folded without waiting for a pause, so it never grows without end. */
  maxPendingRows?: number;
  onError: (error: unknown, partnerId: string) => void;
}): UsageLog {
  const pending = new Map<string, Pending>();
  const folding = new Set<Promise<unknown>>();

  const fold = (partnerId: string) => {
    const state = pending.get(partnerId);
    clearTimeout(state?.timer);
    pending.delete(partnerId);
    const running = foldUsage(db, partnerId).catch((error: unknown) => onError(error, partnerId));
    folding.add(running);
    void running.finally(() => folding.delete(running));
    return running;
  };

  return {
    appended(partnerId, rows) {
      const state = pending.get(partnerId) ?? { rows: 0 };
      clearTimeout(state.timer);
      state.rows += rows;
      pending.set(partnerId, state);
      if (state.rows >= maxPendingRows) void fold(partnerId);
      else state.timer = setTimeout(() => void fold(partnerId), quietMs);
    },
    async settle(partnerId) {
      clearTimeout(pending.get(partnerId)?.timer);
      pending.delete(partnerId);
      // Folding takes the partner's lock: this waits for a fold under way, then folds what arrived since.
      await foldUsage(db, partnerId);
    },
    async close() {
      for (const state of pending.values()) clearTimeout(state.timer);
      pending.clear();
      await Promise.all(folding);
    },
  };
}
