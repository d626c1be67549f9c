-- The mission brief: the client's goal in their own words, the success
-- criteria, why it matters to the client rep personally, the unwritten
-- expectations and the expertise the work needs, kept as versions (each
-- edit a new row, so its history stays). The internal standards that apply
-- are the account's. Team concerns: raised by anyone on the project,
-- answered by its manager. Mirrors postgres/0008_brief.sql.

CREATE TABLE mission_briefs (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    version INTEGER NOT NULL,
    goal TEXT NOT NULL,
    success_criteria TEXT,
    personal_stakes TEXT,
    unwritten_expectations TEXT,
    expertise TEXT,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    UNIQUE (project_id, version)
);

CREATE TABLE concerns (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    raised_by_id INTEGER NOT NULL REFERENCES people(id),
    concern TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at TEXT,
    archived INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX concerns_project ON concerns(project_id, answered_at);

-- Search covers the latest brief and every concern (see 0007).
CREATE TRIGGER briefs_search_insert AFTER INSERT ON mission_briefs BEGIN
    DELETE FROM search_index WHERE kind = 'brief' AND project_id = new.project_id;
    INSERT INTO search_index (kind, record_id, project_id, body)
        VALUES ('brief', new.id, new.project_id, new.goal || ' ' || COALESCE(new.success_criteria, '') || ' '
            || COALESCE(new.personal_stakes, '') || ' ' || COALESCE(new.unwritten_expectations, '') || ' '
            || COALESCE(new.expertise, ''));
END;
CREATE TRIGGER concerns_search_insert AFTER INSERT ON concerns BEGIN
    INSERT INTO search_index (kind, record_id, project_id, body)
        VALUES ('concern', new.id, new.project_id, new.concern);
END;
CREATE TRIGGER concerns_search_update AFTER UPDATE ON concerns BEGIN
    DELETE FROM search_index WHERE kind = 'concern' AND record_id = old.id;
    INSERT INTO search_index (kind, record_id, project_id, body)
        SELECT 'concern', new.id, new.project_id, new.concern || ' ' || COALESCE(new.answer, '') WHERE NOT new.archived;
END;
