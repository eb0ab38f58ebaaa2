-- Auditors read one company's whole history in log order, page by page (GET /v1/audit/events):
-- WHERE tenant = $1 AND (transaction_id, global_position) > $cursor ORDER BY transaction_id,
-- global_position LIMIT n. With this index that is one range scan that stops after n rows,
-- however long the log and however many other companies share it; without it, every page
-- walks the whole log's order index and discards other tenants' events. verify-log's list of a
-- company's streams uses the same leading expression. The expression must be written exactly
-- so in queries (libs/infra/src/audit/audit-history.ts) for the planner to match it.
CREATE INDEX events_tenant_log_order
  ON event_log.events ((metadata -> 'tenant' ->> 'companyId'), transaction_id, global_position);
