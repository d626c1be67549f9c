-- Full-text search over what was said: interactions (summary and notes),
-- follow-up questions (question and answer) and commitments (description
-- and reason), in one FTS5 index kept in step by triggers. The record's
-- kind, id and project ride along unindexed, so a hit finds its record and
-- access is checked on its project. Mirrors postgres/0007_search.sql,
-- which uses a tsvector column per table instead.

CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, record_id UNINDEXED, project_id UNINDEXED, body,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO search_index (kind, record_id, project_id, body)
    SELECT 'interaction', id, project_id, summary || ' ' || COALESCE(notes, '') FROM interactions WHERE NOT archived;
INSERT INTO search_index (kind, record_id, project_id, body)
    SELECT 'question', id, project_id, question || ' ' || COALESCE(answer, '') FROM follow_up_questions WHERE NOT archived;
INSERT INTO search_index (kind, record_id, project_id, body)
    SELECT 'commitment', id, project_id, description || ' ' || COALESCE(reason, '') FROM commitments WHERE NOT archived;

CREATE TRIGGER interactions_search_insert AFTER INSERT ON interactions BEGIN
    INSERT INTO search_index (kind, record_id, project_id, body)
        VALUES ('interaction', new.id, new.project_id, new.summary || ' ' || COALESCE(new.notes, ''));
END;
CREATE TRIGGER interactions_search_update AFTER UPDATE ON interactions BEGIN
    DELETE FROM search_index WHERE kind = 'interaction' AND record_id = old.id;
    INSERT INTO search_index (kind, record_id, project_id, body)
        SELECT 'interaction', new.id, new.project_id, new.summary || ' ' || COALESCE(new.notes, '') WHERE NOT new.archived;
END;
CREATE TRIGGER questions_search_insert AFTER INSERT ON follow_up_questions BEGIN
    INSERT INTO search_index (kind, record_id, project_id, body)
        VALUES ('question', new.id, new.project_id, new.question || ' ' || COALESCE(new.answer, ''));
END;
CREATE TRIGGER questions_search_update AFTER UPDATE ON follow_up_questions BEGIN
    DELETE FROM search_index WHERE kind = 'question' AND record_id = old.id;
    INSERT INTO search_index (kind, record_id, project_id, body)
        SELECT 'question', new.id, new.project_id, new.question || ' ' || COALESCE(new.answer, '') WHERE NOT new.archived;
END;
CREATE TRIGGER commitments_search_insert AFTER INSERT ON commitments BEGIN
    INSERT INTO search_index (kind, record_id, project_id, body)
        VALUES ('commitment', new.id, new.project_id, new.description || ' ' || COALESCE(new.reason, ''));
END;
CREATE TRIGGER commitments_search_update AFTER UPDATE ON commitments BEGIN
    DELETE FROM search_index WHERE kind = 'commitment' AND record_id = old.id;
    INSERT INTO search_index (kind, record_id, project_id, body)
        SELECT 'commitment', new.id, new.project_id, new.description || ' ' || COALESCE(new.reason, '') WHERE NOT new.archived;
END;
