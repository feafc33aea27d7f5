import i18n from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

// The analytics page's words (GLOSSARY), registered under `analytics.` at module load so they travel with the
// lazily loaded route.

const en = {
  title: 'Analytics',
  description: 'Subscription analytics for your customers’ Meetings and Calling licenses.',
  asOf: 'As of',
  asOfHint: 'Every figure is computed for this date.',
  product: 'Product',
  meetings: 'Meetings',
  calling: 'Calling',
  trend: {
    title: 'License distribution trend',
    description: 'Purchased, assigned and used licenses of the subscriptions active each week.',
    purchased: 'Purchased licenses',
    assigned: 'Assigned licenses',
    used: 'Used licenses',
    summary: 'On {{date}}: {{purchased}} purchased, {{assigned}} assigned, {{used}} used.',
  },
  section: {
    recentlyAdded: 'Recently added customers in the last 90 days',
    expiring: 'Expiring in the next 90 days',
    renewing: 'Renewing in the next 90 days',
    lowAssignment: 'Low license assignment',
    overage: 'License overage',
  },
  kpi: {
    recentlyAdded: { customers: 'New customers', licenses: 'Total licenses' },
    expiring: {
      customers: 'Expiring customers',
      assignedRatio: 'License assignment',
      usedRatio: 'License usage',
    },
    renewing: {
      customers: 'Renewing customers',
      assignedRatio: 'License assignment',
      usedRatio: 'License usage',
    },
    lowAssignment: {
      customers: 'Low-assignment customers',
      assignedRatio: 'License assignment',
      usedRatio: 'License usage at assignment',
      unassigned: 'Unassigned licenses',
    },
    overage: {
      customers: 'Customers with overage',
      licenses: 'Licenses in overage',
      average: 'Average overage',
    },
  },
  formula: {
    recentlyAdded: {
      customers:
        'Distinct customers with a subscription (paid or trial), not cancelled nor pending setup, that started in the last 90 days: asOf − 89 ≤ start date ≤ asOf.',
      licenses: 'Σ purchased licenses of those subscriptions.',
    },
    expiring: {
      customers:
        'Distinct customers with a trial, or a paid subscription without auto-renew, active at asOf and ending within 90 days: end date − asOf ≤ 90.',
      assignedRatio: 'Σ assigned ÷ Σ purchased over those subscriptions.',
      usedRatio: 'Σ used ÷ Σ purchased over those subscriptions.',
    },
    renewing: {
      customers:
        'Distinct customers with an auto-renewing paid subscription active at asOf whose next renewal is within 90 days: effective end − asOf ≤ 90.',
      assignedRatio: 'Σ assigned ÷ Σ purchased over those subscriptions.',
      usedRatio: 'Σ used ÷ Σ purchased over those subscriptions.',
    },
    lowAssignment: {
      customers:
        'Distinct customers with a subscription at least 30 days old whose assigned ÷ purchased is at or below the 25th percentile, and below the median, of all your active subscriptions of this product.',
      assignedRatio: 'Σ assigned ÷ Σ purchased over the flagged subscriptions.',
      usedRatio: 'Σ used ÷ Σ purchased over the flagged subscriptions.',
      unassigned: 'Σ available (purchased − assigned, at least 0) over the flagged subscriptions.',
    },
    overage: {
      customers:
        'Distinct customers with a subscription active at asOf that has more licenses assigned than purchased.',
      licenses: 'Σ (assigned − purchased) over those subscriptions.',
      average: 'Licenses in overage ÷ customers with overage.',
    },
  },
  column: {
    customer: 'Customer',
    subscriptionId: 'Subscription ID',
    daysSinceAdded: 'Days since added',
    daysUntilExpiration: 'Days until expiration',
    daysUntilRenewal: 'Days until renewal',
    monthsSinceAdded: 'Months since added',
    monthsRemaining: 'Months remaining',
    totalLicenses: 'Total licenses',
    usage: 'Used / Assigned / Available licenses',
    assigned: 'Assigned licenses (%)',
    used: 'Used licenses (%)',
    used90d: 'Usage in the last 3 months',
    weeklyAssignmentChange: 'Weekly assignment change',
    weeklyUsageChange: 'Weekly usage change',
    autoRenew: 'Auto-renew',
  },
  trial: 'Trial',
  showRows: 'Show the rows behind “{{kpi}}”',
  keyFigures: 'Key figures',
  sectionFigures: 'Key figures: {{section}}',
  table: '{{section}}: subscriptions',
  exportCsv: 'Export CSV',
  exportCsvOf: 'Export CSV: {{section}}',
  empty: 'No subscriptions here on this date.',
  change: { up: 'up {{value}}', down: 'down {{value}}', none: 'no change' },
};

type Dictionary = typeof en;

const sv: Dictionary = {
  title: 'Analys',
  description: 'Prenumerationsanalys av dina kunders licenser för Möten och Samtal.',
  asOf: 'Per datum',
  asOfHint: 'Alla siffror räknas fram för det här datumet.',
  product: 'Produkt',
  meetings: 'Möten',
  calling: 'Samtal',
  trend: {
    title: 'Licensdistributionstrend',
    description: 'Köpta, tilldelade och använda licenser för prenumerationerna som är aktiva varje vecka.',
    purchased: 'Köpta licenser',
    assigned: 'Tilldelade licenser',
    used: 'Använda licenser',
    summary: 'Den {{date}}: {{purchased}} köpta, {{assigned}} tilldelade, {{used}} använda.',
  },
  section: {
    recentlyAdded: 'Nyligen tillagda kunder under de senaste 90 dagarna',
    expiring: 'Upphör att gälla under de kommande 90 dagarna',
    renewing: 'Förnyas under de kommande 90 dagarna',
    lowAssignment: 'Låg licenstilldelning',
    overage: 'Överskott av licens',
  },
  kpi: {
    recentlyAdded: { customers: 'Nya kunder', licenses: 'Totalt antal licenser' },
    expiring: {
      customers: 'Utgående kunder',
      assignedRatio: 'Licenstilldelning',
      usedRatio: 'Licensanvändning',
    },
    renewing: {
      customers: 'Förnyande kunder',
      assignedRatio: 'Licenstilldelning',
      usedRatio: 'Licensanvändning',
    },
    lowAssignment: {
      customers: 'Kunder med låg licenstilldelning',
      assignedRatio: 'Licenstilldelning',
      usedRatio: 'Licensanvändning vid tilldelning',
      unassigned: 'Ej tilldelade licenser',
    },
    overage: {
      customers: 'Kunder med överskott',
      licenses: 'Licenser i överskott',
      average: 'Genomsnittligt överskott',
    },
  },
  formula: {
    recentlyAdded: {
      customers:
        'Antal kunder med en prenumeration (betald eller provperiod), varken avslutad eller väntande på konfiguration, som startade under de senaste 90 dagarna: datum − 89 ≤ startdatum ≤ datum.',
      licenses: 'Σ köpta licenser för de prenumerationerna.',
    },
    expiring: {
      customers:
        'Antal kunder med en provperiod, eller betald prenumeration utan automatisk förnyelse, som är aktiv och slutar inom 90 dagar: slutdatum − datum ≤ 90.',
      assignedRatio: 'Σ tilldelade ÷ Σ köpta för de prenumerationerna.',
      usedRatio: 'Σ använda ÷ Σ köpta för de prenumerationerna.',
    },
    renewing: {
      customers:
        'Antal kunder med en automatiskt förnyad betald prenumeration som är aktiv och förnyas inom 90 dagar: faktiskt slutdatum − datum ≤ 90.',
      assignedRatio: 'Σ tilldelade ÷ Σ köpta för de prenumerationerna.',
      usedRatio: 'Σ använda ÷ Σ köpta för de prenumerationerna.',
    },
    lowAssignment: {
      customers:
        'Antal kunder med en prenumeration som är minst 30 dagar gammal och vars tilldelade ÷ köpta ligger på eller under 25:e percentilen, och under medianen, för alla dina aktiva prenumerationer av produkten.',
      assignedRatio: 'Σ tilldelade ÷ Σ köpta för de flaggade prenumerationerna.',
      usedRatio: 'Σ använda ÷ Σ köpta för de flaggade prenumerationerna.',
      unassigned: 'Σ tillgängliga (köpta − tilldelade, minst 0) för de flaggade prenumerationerna.',
    },
    overage: {
      customers: 'Antal kunder med en aktiv prenumeration som har fler licenser tilldelade än köpta.',
      licenses: 'Σ (tilldelade − köpta) för de prenumerationerna.',
      average: 'Licenser i överskott ÷ kunder med överskott.',
    },
  },
  column: {
    customer: 'Kund',
    subscriptionId: 'Prenumerations-ID',
    daysSinceAdded: 'Dagar sedan tillagd',
    daysUntilExpiration: 'Dagar till utgångsdatum',
    daysUntilRenewal: 'Dagar till förnyelse',
    monthsSinceAdded: 'Månader sedan tillagd',
    monthsRemaining: 'Månader kvar',
    totalLicenses: 'Totalt antal licenser',
    usage: 'Använda / Tilldelade / Tillgängliga licenser',
    assigned: 'Tilldelade licenser (%)',
    used: 'Använda licenser (%)',
    used90d: 'Användning under de senaste 3 månaderna',
    weeklyAssignmentChange: 'Veckovis ändring av tilldelning',
    weeklyUsageChange: 'Veckovis ändring av användning',
    autoRenew: 'Förnya automatiskt',
  },
  trial: 'Provperiod',
  showRows: 'Visa raderna bakom ”{{kpi}}”',
  keyFigures: 'Nyckeltal',
  sectionFigures: 'Nyckeltal: {{section}}',
  table: '{{section}}: prenumerationer',
  exportCsv: 'Exportera CSV',
  exportCsvOf: 'Exportera CSV: {{section}}',
  empty: 'Inga prenumerationer här det här datumet.',
  change: { up: 'upp {{value}}', down: 'ned {{value}}', none: 'ingen ändring' },
};

i18n.addResourceBundle('en', 'translation', { analytics: en }, true, false);
i18n.addResourceBundle('sv', 'translation', { analytics: sv }, true, false);

/** "a.b.c" for every string leaf of the dictionary. */
type Paths<T> = { [K in keyof T & string]: T[K] extends string ? K : `${K}.${Paths<T[K]>}` }[keyof T &
  string];
export type AnalyticsText = Paths<Dictionary>;

/** `t` for this page's keys, checked against the dictionary above. */
export function useAnalyticsText(): (key: AnalyticsText, values?: Record<string, string | number>) => string {
  const { t } = useTranslation();
  // The app's typed resources don't know keys registered at run time: this function is their type.
  const translate = t as unknown as (key: string, values?: Record<string, string | number>) => string;
  return useCallback((key, values) => translate(`analytics.${key}`, values), [translate]);
}
