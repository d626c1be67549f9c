-- Reading at a firm's size (thousands of projects, hundreds of thousands of
-- conversations). Mirrors postgres/0009_scale.sql.
--
-- The projects a user sees are found from their side: the projects they
-- manage and those they are on the team of, each by an index.
CREATE INDEX projects_manager ON projects(project_manager_id);
CREATE INDEX project_stakeholders_person ON project_stakeholders(person_id);

-- The search index again, with two changes. Each entry's rowid is its
-- record's id times eight plus its kind (1 interaction, 2 question, 3
-- commitment, 4 brief, 5 concern), so a trigger replaces one entry by its
-- rowid instead of scanning the whole index for it. And the project is an
-- indexed token ("p42") beside the words, so a search is narrowed to the
-- projects its user sees inside the index, before any hit is ranked. And
-- a hyphen joins a word: "cut-over" or "V-101" is one token, found by one
-- lookup, where a phrase of two tokens had every row holding both checked
-- for their positions (five times slower on a common pair).
-- The price: "cut-over" is not found by "cut" or "cut over".

DROP TRIGGER interactions_search_insert;
DROP TRIGGER interactions_search_update;
DROP TRIGGER questions_search_insert;
DROP TRIGGER questions_search_update;
DROP TRIGGER commitments_search_insert;
DROP TRIGGER commitments_search_update;
DROP TRIGGER briefs_search_insert;
DROP TRIGGER concerns_search_insert;
DROP TRIGGER concerns_search_update;
DROP TABLE search_index;

CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, record_id UNINDEXED, project_id UNINDEXED, project, body,
    tokenize = "unicode61 remove_diacritics 2 tokenchars '-'"
);

INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
    SELECT id * 8 + 1, 'interaction', id, project_id, 'p' || project_id, summary || ' ' || COALESCE(notes, '')
    FROM interactions WHERE NOT archived;
INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
    SELECT id * 8 + 2, 'question', id, project_id, 'p' || project_id, question || ' ' || COALESCE(answer, '')
    FROM follow_up_questions WHERE NOT archived;
INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
    SELECT id * 8 + 3, 'commitment', id, project_id, 'p' || project_id, description || ' ' || COALESCE(reason, '')
    FROM commitments WHERE NOT archived;
INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
    SELECT b.id * 8 + 4, 'brief', b.id, b.project_id, 'p' || b.project_id, b.goal || ' ' || COALESCE(b.success_criteria, '') || ' '
        || COALESCE(b.personal_stakes, '') || ' ' || COALESCE(b.unwritten_expectations, '') || ' ' || COALESCE(b.expertise, '')
    FROM mission_briefs b WHERE b.version = (SELECT MAX(v.version) FROM mission_briefs v WHERE v.project_id = b.project_id);
INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
    SELECT id * 8 + 5, 'concern', id, project_id, 'p' || project_id, concern || ' ' || COALESCE(answer, '')
    FROM concerns WHERE NOT archived;

CREATE TRIGGER interactions_search_insert AFTER INSERT ON interactions BEGIN
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        VALUES (new.id * 8 + 1, 'interaction', new.id, new.project_id, 'p' || new.project_id,
                new.summary || ' ' || COALESCE(new.notes, ''));
END;
CREATE TRIGGER interactions_search_update AFTER UPDATE ON interactions BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        SELECT new.id * 8 + 1, 'interaction', new.id, new.project_id, 'p' || new.project_id,
               new.summary || ' ' || COALESCE(new.notes, '') WHERE NOT new.archived;
END;
CREATE TRIGGER questions_search_insert AFTER INSERT ON follow_up_questions BEGIN
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        VALUES (new.id * 8 + 2, 'question', new.id, new.project_id, 'p' || new.project_id,
                new.question || ' ' || COALESCE(new.answer, ''));
END;
CREATE TRIGGER questions_search_update AFTER UPDATE ON follow_up_questions BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        SELECT new.id * 8 + 2, 'question', new.id, new.project_id, 'p' || new.project_id,
               new.question || ' ' || COALESCE(new.answer, '') WHERE NOT new.archived;
END;
CREATE TRIGGER commitments_search_insert AFTER INSERT ON commitments BEGIN
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        VALUES (new.id * 8 + 3, 'commitment', new.id, new.project_id, 'p' || new.project_id,
                new.description || ' ' || COALESCE(new.reason, ''));
END;
CREATE TRIGGER commitments_search_update AFTER UPDATE ON commitments BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        SELECT new.id * 8 + 3, 'commitment', new.id, new.project_id, 'p' || new.project_id,
               new.description || ' ' || COALESCE(new.reason, '') WHERE NOT new.archived;
END;
-- Only a project's latest brief is searched: a new version replaces the
-- entries of the earlier ones.
CREATE TRIGGER briefs_search_insert AFTER INSERT ON mission_briefs BEGIN
    DELETE FROM search_index WHERE rowid IN
        (SELECT v.id * 8 + 4 FROM mission_briefs v WHERE v.project_id = new.project_id AND v.id <> new.id);
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        VALUES (new.id * 8 + 4, 'brief', new.id, new.project_id, 'p' || new.project_id,
                new.goal || ' ' || COALESCE(new.success_criteria, '') || ' '
                || COALESCE(new.personal_stakes, '') || ' ' || COALESCE(new.unwritten_expectations, '') || ' '
                || COALESCE(new.expertise, ''));
END;
CREATE TRIGGER concerns_search_insert AFTER INSERT ON concerns BEGIN
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        VALUES (new.id * 8 + 5, 'concern', new.id, new.project_id, 'p' || new.project_id, new.concern);
END;
CREATE TRIGGER concerns_search_update AFTER UPDATE ON concerns BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
    INSERT INTO search_index (rowid, kind, record_id, project_id, project, body)
        SELECT new.id * 8 + 5, 'concern', new.id, new.project_id, 'p' || new.project_id,
               new.concern || ' ' || COALESCE(new.answer, '') WHERE NOT new.archived;
END;

-- A project's status records, read by every cockpit and Today: the unique
-- index of 0001 covers only live records (archived = 0) and the queries
-- that say "NOT archived" cannot use it.
CREATE INDEX status_records_project ON status_records(project_id, status_date);
