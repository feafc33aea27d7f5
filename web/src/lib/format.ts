export const languages = ['en', 'sv'] as const;
export type Language = (typeof languages)[number];

const locales: Record<Language, string> = { en: 'en-GB', sv: 'sv-SE' };

export const emptyValue = '—';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

export function localeOf(language: Language): string {
  return locales[language];
}

/** Picks the UI language: a remembered choice first, then the browser's preference. */
export function pickLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const candidate of browserLanguages) {
    const base = candidate.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

function parseIsoDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A calendar date (YYYY-MM-DD) is a UTC date: formatting it in local time could shift it by a day. */
export function formatDate(value: string | null | undefined, language: Language): string {
  if (!value) return emptyValue;
  const date = parseIsoDate(value.slice(0, 10));
  if (!date) return value;
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function formatDateTime(
  value: string | null | undefined,
  language: Language,
  timeZone?: string,
): string {
  if (!value) return emptyValue;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(date);
}

export function formatNumber(value: number | null | undefined, language: Language): string {
  if (value === null || value === undefined || Number.isNaN(value)) return emptyValue;
  return new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: 2 }).format(value);
}

/** Signed change (+3, −2, 0) for weekly deltas. */
export function formatSignedNumber(value: number | null | undefined, language: Language): string {
  if (value === null || value === undefined || Number.isNaN(value)) return emptyValue;
  return new Intl.NumberFormat(localeOf(language), { signDisplay: 'exceptZero' }).format(value);
}

/** Ratios arrive as fractions (0.8125) and are shown as whole percents (81 %); null means "no basis". */
export function formatPercent(fraction: number | null | undefined, language: Language): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return emptyValue;
  return new Intl.NumberFormat(localeOf(language), { style: 'percent', maximumFractionDigits: 0 }).format(
    fraction,
  );
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function formatMoney(amount: number, currency: string, language: Language): string {
  try {
    return new Intl.NumberFormat(localeOf(language), { style: 'currency', currency }).format(amount);
  } catch {
    return `${formatNumber(amount, language)} ${currency}`;
  }
}

export function countryName(code: string | null | undefined, language: Language): string {
  if (!code) return emptyValue;
  try {
    return new Intl.DisplayNames([localeOf(language)], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** Whole days from a to b (both YYYY-MM-DD); negative when b is before a. */
export function daysBetween(a: string, b: string): number | null {
  const from = parseIsoDate(a);
  const to = parseIsoDate(b);
  if (!from || !to) return null;
  return Math.round((to.getTime() - from.getTime()) / 86_400_000);
}

export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The split of purchased licenses for a usage bar: in-use, assigned-not-used, free, and over the limit. */
export function licenseSplit(usage: { purchased: number; assigned: number; used?: number | null }): {
  used: number;
  assignedOnly: number;
  available: number;
  overage: number;
  scale: number;
} {
  const purchased = Math.max(usage.purchased, 0);
  const assigned = Math.max(usage.assigned, 0);
  const used = Math.min(Math.max(usage.used ?? 0, 0), assigned);
  const overage = Math.max(assigned - purchased, 0);
  return {
    used,
    assignedOnly: assigned - used,
    available: Math.max(purchased - assigned, 0),
    overage,
    scale: Math.max(purchased, assigned),
  };
}

const isoCountries =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(
    ' ',
  );

export function countryOptions(language: Language): { value: string; label: string }[] {
  const collator = new Intl.Collator(localeOf(language));
  return isoCountries
    .map((code) => ({ value: code, label: countryName(code, language) }))
    .sort((a, b) => collator.compare(a.label, b.label));
}
