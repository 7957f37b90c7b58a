-- 013 IP address access restriction (G54): one CIDR list per area, as typed on the screen or given to
-- `tsunagu ip-rules set` (comments kept). An empty list restricts nothing. Every change raises version
-- to one more than the highest, so each app node sees a change by reading MAX(version) alone.
CREATE TABLE ip_rules (
	area       TEXT PRIMARY KEY CHECK (area IN ('staff', 'member', 'public')),
	rules      TEXT NOT NULL DEFAULT '',
	version    INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL DEFAULT 0,
	updated_by TEXT NOT NULL DEFAULT ''
);
INSERT INTO ip_rules (area) VALUES ('staff');
INSERT INTO ip_rules (area) VALUES ('member');
INSERT INTO ip_rules (area) VALUES ('public');
