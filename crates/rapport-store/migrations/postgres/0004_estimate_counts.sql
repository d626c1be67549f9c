-- What a list of estimate versions shows, kept at import so that listing
-- versions never re-reads their files (a large file took seconds to read).
-- Null for versions imported before: those are read once when shown.
-- Mirrors sqlite/0004_estimate_counts.sql.
ALTER TABLE estimate_versions ADD COLUMN item_count BIGINT;
ALTER TABLE estimate_versions ADD COLUMN risk_count BIGINT;
ALTER TABLE estimate_versions ADD COLUMN alternative_count BIGINT;
