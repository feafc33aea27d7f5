import type { ColumnType, Generated } from 'kysely';

// DATE columns come back as 'YYYY-MM-DD' strings and timestamptz as ISO strings (see database.ts).
type Timestamp = ColumnType<string, string | undefined, string>;
type NullableTimestamp = ColumnType<string | null, string | null | undefined, string | null>;

export type OrganizationsTable = {
  partner_id: string;
  id: string;
  kind: 'partner' | 'customer';
  external_id: string | null;
  name: string;
  search_name: string;
  country: string;
  created_at: string;
  tags: string[];
  terms_version: string | null;
  terms_accepted_at: NullableTimestamp;
  terms_accepted_by: string | null;
};

export type UsersTable = {
  partner_id: string;
  id: string;
  org_id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  role: string | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  last_sign_in_at: NullableTimestamp;
};

export type InvitationsTable = {
  id: string;
  email: string;
  token_hash: string;
  kind: 'partner' | 'customer_admin';
  partner_id: string | null;
  org_id: string | null;
  created_at: Timestamp;
  expires_at: string;
  accepted_at: NullableTimestamp;
};

export type CustomerAssignmentsTable = {
  partner_id: string;
  user_id: string;
  customer_id: string;
  source: 'provisioned' | 'assigned';
  created_at: Timestamp;
};

export type ExternalAdminsTable = {
  partner_id: string;
  customer_id: string;
  email: string;
  display_name: string;
  added_at: Timestamp;
};

export type SubscriptionsTable = {
  partner_id: string;
  id: string;
  customer_id: string | null;
  kind: 'paid' | 'trial';
  status: 'pending_setup' | 'active' | 'suspended' | 'cancelled';
  start_date: string;
  end_date: string;
  auto_renew: boolean;
  term_months: number;
  extended_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type SubscriptionLinesTable = {
  partner_id: string;
  subscription_id: string;
  product: string;
  sku: string;
  quantity: number;
};

export type OrdersTable = {
  partner_id: string;
  number: string;
  type: 'new' | 'modify' | 'renewal' | 'cancel';
  subscription_id: string;
  customer_name: string;
  search_name: string;
  contact_email: string;
  requested_start_date: string;
  term_months: number;
  auto_renew: boolean;
  lines: ColumnType<OrderLine[], string, string>;
  received_at: Timestamp;
  set_up_at: NullableTimestamp;
  set_up_by: string | null;
};

export type OrderLine = { product: string; sku: string; quantity: number };

export type InvoicesTable = {
  partner_id: string;
  number: string;
  subscription_id: string;
  amount: ColumnType<number, number, number>;
  currency: string;
  period_start: string;
  period_end: string;
  due_date: string;
  paid_at: NullableTimestamp;
};

/** A subscription × product's daily usage in one calendar month: figures at the same place as their date. */
export type LicenseUsageMonthsTable = {
  partner_id: string;
  subscription_id: string;
  product: string;
  month: string;
  dates: string[];
  assigned: number[];
  used: number[];
  used90d: number[];
};

/** Usage batches acknowledged but not folded yet (migrations 008, 011). */
export type UsageBatchesTable = {
  partner_id: string;
  id: Generated<string>;
  rows: number;
  /** The batch's rows grouped by pair, as JSON (migration 011; UsageColumns in server/ingest/queries.ts). */
  body: string;
  received_at: Generated<Date>;
};

export type AdminSignInsTable = {
  partner_id: string;
  customer_id: string;
  email: string;
  at: string;
};

export type SessionsTable = {
  id_hash: string;
  partner_id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: string;
};

export type ApiTokensTable = {
  partner_id: string;
  id: string;
  name: string;
  token_hash: string;
  scopes: string[];
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
};

export type AuditEventsTable = {
  partner_id: string;
  id: Generated<string>;
  at: Timestamp;
  actor_type: 'user' | 'token' | 'operator';
  actor_id: string | null;
  actor_label: string;
  action: string;
  object_type: string;
  object_id: string;
  before: ColumnType<unknown, string | null, string | null>;
  after: ColumnType<unknown, string | null, string | null>;
};

/** Projection (migration 003): a subscription × product with its fields, Σ quantity of its lines and latest usage row. */
export type SubscriptionLicensesTable = {
  partner_id: string;
  subscription_id: string;
  product: string;
  customer_id: string | null;
  kind: 'paid' | 'trial';
  status: 'pending_setup' | 'active' | 'suspended' | 'cancelled';
  start_date: string;
  end_date: string;
  auto_renew: boolean;
  term_months: number;
  has_line: boolean;
  purchased: number;
  usage_date: string | null;
  assigned: number;
  used: number;
  used90d: number;
};

/** Projection (migration 003): how the license distribution trend changes on a date. */
export type LicenseTrendChangesTable = {
  partner_id: string;
  product: string;
  date: string;
  purchased: number;
  assigned: number;
  used: number;
};

/** Projection (migration 003): the partner's latest usage date. */
export type PartnerUsageTable = {
  partner_id: string;
  latest_date: string;
};

/** Projection (migration 003): what a customer's statuses, licenses and next end date are made of, by date. */
export type CustomerPortfolioTable = {
  partner_id: string;
  customer_id: string;
  external_id: string | null;
  name: string;
  search_name: string;
  country: string;
  created_at: string;
  tags: string[];
  pending: boolean;
  expired_from: string | null;
  products: string[];
  trial_days: string;
  paid_days: string;
  suspended_days: string;
  breaks: string[] | null;
  purchased: number[] | null;
  fixed_end: (string | null)[] | null;
  expiring_end: (string | null)[] | null;
  renewal_start: string[] | null;
  renewal_end: string[] | null;
  renewal_term: number[] | null;
  assigned: number[] | null;
  over_days: string;
  last_sign_in_at: string | null;
};

export type PortfolioChangesTable = { partner_id: string; version: string; people_version: string };

export type CustomerDayBuildsTable = {
  partner_id: string;
  day: string;
  suspend_after_days: number;
  expiring_soon_days: number;
  no_activity_days: number;
  version: string;
};

export type CustomerDayTable = {
  partner_id: string;
  row_key: string;
  status_rank: number;
  purchased: number;
  assigned: number;
  total_customers: boolean;
  approaching_expiration: boolean;
  approaching_renewal: boolean;
  low_assignment: boolean;
  exceeding_limit: boolean;
  next_end_date: string | null;
  last_admin_sign_in_at: string | null;
  created_at: string | null;
  id: string | null;
  sort_name: string;
  search_name: string;
  name: string;
  statuses: string[];
  products: string[];
  tags: string[];
  external_id: string | null;
  country: string | null;
  order_number: string | null;
  order_subscription_id: string | null;
  order_contact_email: string | null;
  order_requested_start_date: string | null;
};

export type DB = {
  organizations: OrganizationsTable;
  users: UsersTable;
  invitations: InvitationsTable;
  customer_assignments: CustomerAssignmentsTable;
  external_admins: ExternalAdminsTable;
  subscriptions: SubscriptionsTable;
  subscription_lines: SubscriptionLinesTable;
  orders: OrdersTable;
  invoices: InvoicesTable;
  license_usage_months: LicenseUsageMonthsTable;
  usage_batches: UsageBatchesTable;
  admin_sign_ins: AdminSignInsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  subscription_licenses: SubscriptionLicensesTable;
  license_trend_changes: LicenseTrendChangesTable;
  partner_usage: PartnerUsageTable;
  customer_portfolio: CustomerPortfolioTable;
  portfolio_changes: PortfolioChangesTable;
  customer_day_builds: CustomerDayBuildsTable;
  customer_day: CustomerDayTable;
};
