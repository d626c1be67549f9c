-- Full-text search over what was said: a generated tsvector per table
-- (interactions: summary and notes; follow-up questions: question and
-- answer; commitments: description and reason) with a GIN index, queried
-- with websearch_to_tsquery, which reads any user text safely. The 'simple'
-- configuration keeps words as written (names, part numbers, hyphenated
-- terms) rather than stemming them as English. Mirrors sqlite/0007_search.sql,
-- which uses one FTS5 index instead.

ALTER TABLE interactions ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', summary || ' ' || COALESCE(notes, ''))) STORED;
CREATE INDEX interactions_search ON interactions USING GIN (search);
ALTER TABLE follow_up_questions ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', question || ' ' || COALESCE(answer, ''))) STORED;
CREATE INDEX follow_up_questions_search ON follow_up_questions USING GIN (search);
ALTER TABLE commitments ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', description || ' ' || COALESCE(reason, ''))) STORED;
CREATE INDEX commitments_search ON commitments USING GIN (search);
