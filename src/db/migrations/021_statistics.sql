-- 021 statistics (issue 7 item 6; G70-G72, B03): monthly page views of public pages, counted by the server
-- without cookies and without storing any address (src/stats/stats.h). One row per JST month and normalised
-- page path ("/companies/12", never a query string); company page views are the rows under /companies/<id>.
-- The consultation, registration and application counts are read from their own tables (src/stats/report.c).

CREATE TABLE page_views (
	month TEXT NOT NULL,     -- 'YYYY-MM', JST
	path  TEXT NOT NULL,     -- route path with ids, at most 200 bytes
	views INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
	PRIMARY KEY (month, path)
);
CREATE INDEX page_views_path ON page_views (path, month);
