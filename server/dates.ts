// Calendar dates as 'YYYY-MM-DD' strings in UTC; `day numbers` count days since 1970-01-01 for the hot loops.

/** Today's calendar date in UTC: the default `asOf`. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

const dayMs = 86_400_000;
const dateCache = new Map<number, string>();

export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / dayMs);
}

export function dateOf(day: number): string {
  let date = dateCache.get(day);
  if (date === undefined) {
    date = new Date(day * dayMs).toISOString().slice(0, 10);
    dateCache.set(day, date);
  }
  return date;
}

export function addDays(date: string, days: number): string {
  return dateOf(dayNumber(date) + days);
}

/** Whole calendar months later; a day the target month lacks becomes its last day (Jan 31 + 1 → Feb 28). */
export function addMonths(date: string, months: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  const day = Number(date.slice(8, 10));
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

/**
 * SPEC §4.1 effective end: the first of `endDate + k·termMonths` (counted from the original endDate) on or
 * after `at` for an auto-renewing paid subscription, else `endDate`.
 */
export function effectiveEnd(
  subscription: { kind: 'paid' | 'trial'; endDate: string; autoRenew: boolean; termMonths: number },
  at: string,
): string {
  const { kind, endDate, autoRenew, termMonths } = subscription;
  if (kind !== 'paid' || !autoRenew || termMonths < 1) return endDate;
  let end = endDate;
  for (let k = 1; end < at; k++) end = addMonths(endDate, k * termMonths);
  return end;
}
