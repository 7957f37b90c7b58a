-- 024 staff search indexes (issue 7 item 9; figures in docs/bench.md, "Staff search"): the staff lists
-- of job offers, internships and companies (src/content/records.c) show the newest changes first. With
-- only entities_list (type, status, published_at) every list page sorted all records of its type (4 s at
-- 100,000 offers); walking this index backwards stops after the page. Its other columns are the ones the
-- list filters test on every record (status, listing period, title for 名称), so counting the matches
-- reads the index alone instead of each record's row. id is named so that "updated_at DESC, id DESC" is the
-- index's own order (the implicit rowid would come after title).
CREATE INDEX IF NOT EXISTS entities_staff_order ON entities (type, updated_at, id, status, listing_start, listing_end,
	title);
-- The staff list of job seekers (src/member/records.c, rec_seeker_search) shows the newest registrations
-- first: without an index every page sorted all seekers (0.9 s at 50,000).
CREATE INDEX IF NOT EXISTS seekers_created ON seekers (created_at);
