import * as initial from './001_initial';
import * as analyticsProjections from './003_analytics_projections';
import * as customerDay from './004_customer_day';
import * as peopleChanges from './005_people_changes';
import * as customPlans from './006_custom_plans';
import * as usageMonths from './007_usage_months';
import * as usageLog from './008_usage_log';
import * as usageFold from './009_usage_fold';
import * as usageByPair from './010_usage_by_pair';
import * as usageLogText from './011_usage_log_text';

// Applied in this order, each once, each in its own transaction. Never edit a released migration: add one.
export const migrations: { version: string; sql: string }[] = [
  { version: '001_initial', sql: initial.sql },
  { version: '003_analytics_projections', sql: analyticsProjections.sql },
  { version: '004_customer_day', sql: customerDay.sql },
  { version: '005_people_changes', sql: peopleChanges.sql },
  { version: '006_custom_plans', sql: customPlans.sql },
  { version: '007_usage_months', sql: usageMonths.sql },
  { version: '008_usage_log', sql: usageLog.sql },
  { version: '009_usage_fold', sql: usageFold.sql },
  { version: '010_usage_by_pair', sql: usageByPair.sql },
  { version: '011_usage_log_text', sql: usageLogText.sql },
];
