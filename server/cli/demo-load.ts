import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { importDocument } from '../../contract/import';
import { generateDemoChunks } from '../demo/generate';
import { ingestBatch } from '../ingest/service';
import type { AuditActor } from '../audit/record';
import { todayUtc } from '../dates';
import { analyzeStaleTables } from '../db/upkeep';

/** Builds a demo portfolio through the same validation and ingest path as any import. */
export async function loadDemoPortfolio(
  db: Kysely<DB>,
  input: {
    partnerId: string;
    customers: number;
    seed?: string | number;
    asOf?: string;
    actor: AuditActor;
    onProgress?: (customersDone: number, total: number) => void;
  },
) {
  const totals = { customers: 0, subscriptions: 0, usage: 0, signIns: 0, invoices: 0, orders: 0 };
  for (const chunk of generateDemoChunks({
    customers: input.customers,
    seed: input.seed,
    asOf: input.asOf ?? todayUtc(),
  })) {
    const batch = importDocument.parse(chunk);
    const counts = await ingestBatch(
      { db },
      { partnerId: input.partnerId, batch, actor: input.actor, source: 'demo' },
    );
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counts[key];
    input.onProgress?.(totals.customers, input.customers);
  }
  await analyzeStaleTables(db);
  return totals;
}
