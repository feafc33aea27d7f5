import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import * as queries from './queries';

// Usage batches sent on their own are acknowledged once appended to the partner's usage log (migration 008).
// They are folded into the month rows and projections once the partner's usage ingest has paused for a moment,
// so a sender streaming batches is not kept waiting behind the folding (on the embedded database, one session,
// it would be); and before any request reads or writes the partner's data (settle), so no answer misses an
// acknowledged row. The log is in the database: another server process, or this one after a restart, folds it
// just the same.

/**
 * Folds the partner's usage log into the month rows and projections, and answers how many logged rows it folded
 * (0 when the log is empty). The batches are stored merged, as one batch in the order they came (the later row
 * wins a day two batches have): the projections depend only on the stored rows, and most of the upkeep is per
 * subscription × product, so four batches of telemetry cost about twice what one does, not four times.
 */
export async function foldUsage(
  db: Kysely<DB>,
  partnerId: string,
  {
    // Batches are merged up to this many rows at a time (held in memory meanwhile); a larger batch is stored alone.
    groupRows = 250_000,
    kept,
  }: {
    groupRows?: number;
    /** Logged batches' rows this process still holds, by batch id: not read back; forgotten once folded. */
    kept?: Map<string, queries.UsageColumns>;
  } = {},
): Promise<number> {
  if (!(await queries.usageLogged(db, partnerId))) return 0;
  const fold = async (trx: Kysely<DB>) => {
    // A second fold waits here, then finds the batches gone; a batch committed meanwhile waits for the next fold.
    await queries.lockUsageLog(trx, partnerId);
    const batches = await queries.loggedBatches(trx, partnerId);
    let group: string[] = [];
    let rows = 0;
    const store = async () => {
      await queries.recordLoggedUsage(trx, partnerId, group, kept);
      for (const id of group) kept?.delete(id);
      [group, rows] = [[], 0];
    };
    for (const batch of batches) {
      if (group.length && rows + batch.rows > groupRows) await store();
      group.push(batch.id);
      rows += batch.rows;
    }
    if (group.length) await store();
    return batches.reduce((sum, batch) => sum + batch.rows, 0);
  };
  return db.isTransaction ? fold(db) : db.transaction().execute(fold);
}

export type UsageLog = {
  /**
   * Runs `append` (one usage ingest): no fold starts meanwhile, and the pause is counted from its end. The batches
   * `append` passes to `keep` are held once it has succeeded (committed), so their fold need not read them back.
   */
  appending: <T>(
    partnerId: string,
    append: (keep: (logged: queries.LoggedUsage) => void) => Promise<T>,
  ) => Promise<T>;
  /** Folds whatever the partner's log holds; what runs after it sees every acknowledged row. */
  settle: (partnerId: string) => Promise<void>;
  /** Stops waiting for pauses and waits for the folds under way. */
  close: () => Promise<void>;
};

type Ingest = { running: number; batches: number; timer?: NodeJS.Timeout };

export function createUsageLog({
  db,
  pauseMs = 1000,
  maxBatches = 20,
  onError,
}: {
  db: Kysely<DB>;
  /** How long the partner's usage ingest must pause before its log is folded. */
  pauseMs?: number;
  /** A log this many batches long is folded without waiting for a pause, so a reader never has more to fold. */
  maxBatches?: number;
  onError: (error: unknown, partnerId: string) => void;
}): UsageLog {
  const ingests = new Map<string, Ingest>();
  const folding = new Set<Promise<unknown>>();
  // Logged batches' rows, by batch id (ids are the database's, so unique to this log), as many as a log may hold
  // before it is folded. A batch folded elsewhere (by an import's fold, or a read's the moment its append committed)
  // stays until the oldest are dropped.
  const kept = new Map<string, queries.UsageColumns>();

  /** The log is about to be folded: nothing waits for a pause any more, and the batch count starts again. */
  const reset = (partnerId: string) => {
    const ingest = ingests.get(partnerId);
    if (!ingest) return;
    clearTimeout(ingest.timer);
    ingest.batches = 0;
    if (ingest.running === 0) ingests.delete(partnerId);
  };
  const foldLater = (partnerId: string) => {
    reset(partnerId);
    const running = foldUsage(db, partnerId, { kept }).catch((error: unknown) => onError(error, partnerId));
    folding.add(running);
    void running.finally(() => folding.delete(running));
  };

  return {
    async appending(partnerId, append) {
      const ingest = ingests.get(partnerId) ?? { running: 0, batches: 0 };
      ingests.set(partnerId, ingest);
      clearTimeout(ingest.timer);
      ingest.running += 1;
      try {
        const logged: queries.LoggedUsage[] = [];
        const appended = await append((entry) => logged.push(entry));
        for (const { id, columns } of logged) kept.set(id, columns);
        for (const id of kept.keys()) if (kept.size > maxBatches) kept.delete(id);
        ingest.batches += 1;
        return appended;
      } finally {
        ingest.running -= 1;
        if (ingest.batches >= maxBatches) foldLater(partnerId);
        else if (ingest.running === 0) ingest.timer = setTimeout(() => foldLater(partnerId), pauseMs).unref();
      }
    },
    async settle(partnerId) {
      reset(partnerId);
      // Folding takes the partner's lock: this waits for a fold under way, then folds what came since.
      await foldUsage(db, partnerId, { kept });
    },
    async close() {
      for (const ingest of ingests.values()) clearTimeout(ingest.timer);
      ingests.clear();
      await Promise.all(folding);
    },
  };
}
