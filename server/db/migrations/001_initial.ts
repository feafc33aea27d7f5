// The whole domain of SPEC §2. Every tenant-owned table leads its primary key with partner_id: that is the
// isolation boundary and the distribution key if the data ever moves to Citus.
export const sql = /* sql */ `
create table organizations (
  partner_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('partner', 'customer')),
  external_id text,
  name text not null check (length(name) between 1 and 200),
  search_name text not null,
  country text not null check (country ~ '^[A-Z]{2}$'),
  created_at date not null,
  tags text[] not null default '{}',
  terms_version text,
  terms_accepted_at timestamptz,
  terms_accepted_by uuid,
  primary key (partner_id, id),
  unique (partner_id, external_id)
);

create table users (
  partner_id uuid not null,
  id uuid not null,
  org_id uuid not null,
  email text not null check (email = lower(email)),
  display_name text not null,
  password_hash text,
  role text check (role in ('partner_full_admin', 'partner_admin', 'partner_readonly_admin',
                            'customer_full_admin', 'customer_readonly_admin')),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  last_sign_in_at timestamptz,
  primary key (partner_id, id),
  unique (partner_id, org_id, email),
  foreign key (partner_id, org_id) references organizations (partner_id, id)
);
-- Whoever signs in with a password is found by e-mail alone, so those e-mails are unique across partners.
create unique index users_sign_in_email on users (email) where password_hash is not null;

create table invitations (
  id uuid primary key,
  email text not null check (email = lower(email)),
  token_hash text not null unique,
  kind text not null check (kind in ('partner', 'customer_admin')),
  partner_id uuid,
  org_id uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz
);

create table customer_assignments (
  partner_id uuid not null,
  user_id uuid not null,
  customer_id uuid not null,
  source text not null check (source in ('provisioned', 'assigned')),
  created_at timestamptz not null default now(),
  primary key (partner_id, user_id, customer_id),
  foreign key (partner_id, user_id) references users (partner_id, id),
  foreign key (partner_id, customer_id) references organizations (partner_id, id)
);
create index customer_assignments_customer on customer_assignments (partner_id, customer_id);

create table external_admins (
  partner_id uuid not null,
  customer_id uuid not null,
  email text not null check (email = lower(email)),
  display_name text not null,
  added_at timestamptz not null default now(),
  primary key (partner_id, customer_id, email),
  foreign key (partner_id, customer_id) references organizations (partner_id, id)
);
create index external_admins_email on external_admins (partner_id, email);

create table subscriptions (
  partner_id uuid not null,
  id text not null,
  customer_id uuid,
  kind text not null check (kind in ('paid', 'trial')),
  status text not null check (status in ('pending_setup', 'active', 'suspended', 'cancelled')),
  start_date date not null,
  end_date date not null,
  auto_renew boolean not null default false,
  term_months integer not null check (term_months between 0 and 120),
  extended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partner_id, id),
  foreign key (partner_id, customer_id) references organizations (partner_id, id),
  check (end_date >= start_date)
);
create index subscriptions_customer on subscriptions (partner_id, customer_id);

create table subscription_lines (
  partner_id uuid not null,
  subscription_id text not null,
  product text not null check (product in ('meetings', 'calling', 'messaging', 'translation', 'contact_center', 'devices')),
  sku text not null,
  quantity integer not null check (quantity >= 0),
  primary key (partner_id, subscription_id, product, sku),
  foreign key (partner_id, subscription_id) references subscriptions (partner_id, id) on delete cascade
);

create table orders (
  partner_id uuid not null,
  number text not null,
  type text not null check (type in ('new', 'modify', 'renewal', 'cancel')),
  subscription_id text not null,
  customer_name text not null,
  search_name text not null,
  contact_email text not null,
  requested_start_date date not null,
  term_months integer not null,
  auto_renew boolean not null,
  lines jsonb not null,
  received_at timestamptz not null default now(),
  set_up_at timestamptz,
  set_up_by uuid,
  primary key (partner_id, number)
);
create index orders_subscription on orders (partner_id, subscription_id);

create table invoices (
  partner_id uuid not null,
  number text not null,
  subscription_id text not null,
  amount numeric(14, 2) not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  period_start date not null,
  period_end date not null,
  due_date date not null,
  paid_at timestamptz,
  primary key (partner_id, number),
  foreign key (partner_id, subscription_id) references subscriptions (partner_id, id)
);
create index invoices_subscription on invoices (partner_id, subscription_id);

create table license_usage (
  partner_id uuid not null,
  subscription_id text not null,
  product text not null,
  date date not null,
  assigned integer not null check (assigned >= 0),
  used integer not null check (used >= 0),
  used90d integer not null check (used90d >= 0),
  primary key (partner_id, subscription_id, product, date)
);

create table admin_sign_ins (
  partner_id uuid not null,
  customer_id uuid not null,
  email text not null,
  at timestamptz not null,
  primary key (partner_id, customer_id, email, at)
);
create index admin_sign_ins_latest on admin_sign_ins (partner_id, customer_id, at desc);

create table sessions (
  id_hash text primary key,
  partner_id uuid not null,
  user_id uuid not null,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (partner_id, user_id);

create table api_tokens (
  partner_id uuid not null,
  id uuid not null,
  name text not null,
  token_hash text not null unique,
  scopes text[] not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (partner_id, id)
);

create table audit_events (
  partner_id uuid not null,
  id bigint generated always as identity,
  at timestamptz not null default now(),
  actor_type text not null check (actor_type in ('user', 'token', 'operator')),
  actor_id text,
  actor_label text not null,
  action text not null,
  object_type text not null,
  object_id text not null,
  before jsonb,
  after jsonb,
  primary key (partner_id, id)
);
create index audit_events_at on audit_events (partner_id, at desc);

-- Date rules of SPEC §4.1 and §10, written once. Each body is a single expression so the planner inlines it.

-- Calendar months from a to b, ignoring the day of month.
create function ph_calendar_months(a date, b date) returns integer
language sql immutable parallel safe as $$
  select ((extract(year from b)::int - extract(year from a)::int) * 12
          + extract(month from b)::int - extract(month from a)::int)
$$;

-- Whole months from a to b: 12·(yb − ya) + (mb − ma), minus 1 if db < da.
create function ph_whole_months(a date, b date) returns integer
language sql immutable parallel safe as $$
  select ph_calendar_months(a, b) - case when extract(day from b) < extract(day from a) then 1 else 0 end
$$;

-- Effective end at d: endDate, or for an auto-renewing paid subscription the first endDate + k·termMonths
-- on or after d, each step counted from the original endDate (PostgreSQL clamps Jan 31 + 1 month to Feb 28).
create function ph_effective_end(kind text, auto_renew boolean, end_date date, term_months integer, d date)
returns date
language sql immutable parallel safe as $$
  select case
    when kind <> 'paid' or not auto_renew or term_months < 1 or end_date >= d then end_date
    when (end_date + make_interval(months => (ph_calendar_months(end_date, d) / term_months) * term_months))::date >= d
      then (end_date + make_interval(months => (ph_calendar_months(end_date, d) / term_months) * term_months))::date
    else (end_date + make_interval(months => (ph_calendar_months(end_date, d) / term_months + 1) * term_months))::date
  end
$$;

-- Active at d: active or suspended, started, and not past its effective end.
create function ph_is_active(status text, kind text, auto_renew boolean, start_date date, end_date date,
                             term_months integer, d date) returns boolean
language sql immutable parallel safe as $$
  select status in ('active', 'suspended') and start_date <= d
         and d <= ph_effective_end(kind, auto_renew, end_date, term_months, d)
$$;
`;
