-- Reading at a firm's size (thousands of projects, hundreds of thousands of
-- conversations). Mirrors sqlite/0009_scale.sql, which also rebuilds its
-- FTS5 index; PostgreSQL's tsvector columns need no change.
--
-- The projects a user sees are found from their side: the projects they
-- manage and those they are on the team of, each by an index.
CREATE INDEX projects_manager ON projects(project_manager_id);
CREATE INDEX project_stakeholders_person ON project_stakeholders(person_id);

-- A project's status records, read by every cockpit and Today.
CREATE INDEX status_records_project ON status_records(project_id, status_date);
