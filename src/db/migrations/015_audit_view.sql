-- 015_audit_view.sql - audit retention (issue 6 item 7; SEC07, SEC12, B08).
-- When entries older than [audit] keep_days are pruned, the last pruned entry's id and mac are kept here so
-- audit_verify starts the chain from this anchor instead of the zero mac. One row at most.
CREATE TABLE audit_anchor (
	id        INTEGER PRIMARY KEY,   -- the id of the last pruned entry
	mac       TEXT NOT NULL,         -- its mac: the prev_mac of the first remaining entry
	pruned_at INTEGER NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target, at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
