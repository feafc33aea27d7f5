// The projections' upkeep functions (migration 003) run the same statements with arrays of a few ids or of a
// whole import's thousands. PL/pgSQL (and from PostgreSQL 18 SQL functions too) keeps a generic plan after a few
// calls, chosen for array and table sizes it cannot see: loading a demo portfolio, the plan made while the tables
// were small kept scanning the partner's whole subscriptions and testing each row against the array, so every
// chunk took longer than the one before (1.2 s → 3.1 s per 500 customers). Each call is planned for its own
// arguments instead; planning costs about a millisecond a statement.
export const sql = /* sql */ `
alter function ph_trend_changes(uuid, text[]) set plan_cache_mode = force_custom_plan;
alter function ph_add_trend_changes(uuid, text[], integer) set plan_cache_mode = force_custom_plan;
alter function ph_refresh_customer_portfolio(uuid, uuid[]) set plan_cache_mode = force_custom_plan;
alter function ph_refresh_customer_usage(uuid, uuid[]) set plan_cache_mode = force_custom_plan;
alter function ph_refresh_subscription_licenses(uuid, text[]) set plan_cache_mode = force_custom_plan;
alter function ph_record_usage(uuid, text[], text[], date[], integer[], integer[], integer[]) set plan_cache_mode = force_custom_plan;
`;
