-- Foundation schema (SQLite). Mirrors postgres/0001_foundation.sql; the only
-- differences are the dialect's types: INTEGER PRIMARY KEY for identities,
-- TEXT for dates and timestamps (ISO 8601), INTEGER 0/1 for booleans.
-- Money is in integer minor units (cents). Nothing client-facing is deleted:
-- rows carry an `archived` flag instead.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    industry TEXT,
    notes TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The client's internal standards, in the order the client lists them.
CREATE TABLE account_standards (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    UNIQUE (account_id, position)
);

-- Client-side people belong to an account; firm-side people have none.
-- behaviour_style and communication_preferences are filled by the
-- behaviour-styles capability.
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    side TEXT NOT NULL CHECK (side IN ('client', 'firm')),
    account_id INTEGER REFERENCES accounts(id),
    name TEXT NOT NULL,
    title TEXT,
    organisation TEXT,
    email TEXT,
    phone TEXT,
    behaviour_style TEXT,
    communication_preferences TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_account ON people(account_id);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    code TEXT,
    project_manager_id INTEGER NOT NULL REFERENCES people(id),
    client_rep_id INTEGER NOT NULL REFERENCES people(id),
    currency TEXT NOT NULL,
    bac_minor INTEGER NOT NULL CHECK (bac_minor > 0),
    baseline_start TEXT NOT NULL,
    baseline_finish TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'on_hold', 'finished', 'cancelled')),
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX projects_account ON projects(account_id);

-- Cumulative planned value at the end of each baseline period.
CREATE TABLE planned_values (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    period INTEGER NOT NULL CHECK (period > 0),
    period_end TEXT NOT NULL,
    pv_minor INTEGER NOT NULL CHECK (pv_minor >= 0),
    PRIMARY KEY (project_id, period)
);

-- Other stakeholders and their role on the project.
CREATE TABLE project_stakeholders (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    PRIMARY KEY (project_id, person_id)
);

CREATE TABLE status_records (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    status_date TEXT NOT NULL,
    ev_minor INTEGER NOT NULL CHECK (ev_minor >= 0),
    ac_minor INTEGER NOT NULL CHECK (ac_minor >= 0),
    manager_eac_minor INTEGER CHECK (manager_eac_minor > 0),
    comment TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- One live record per project and date; archived ones may share a date.
CREATE UNIQUE INDEX status_records_live_date ON status_records(project_id, status_date) WHERE archived = 0;

CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    occurred_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('meeting', 'call', 'email', 'visit', 'message')),
    summary TEXT NOT NULL,
    notes TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX interactions_project ON interactions(project_id, occurred_on);

CREATE TABLE interaction_participants (
    interaction_id INTEGER NOT NULL REFERENCES interactions(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (interaction_id, person_id)
);

CREATE TABLE follow_up_questions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    question TEXT NOT NULL,
    asked_of_id INTEGER NOT NULL REFERENCES people(id),
    asked_on TEXT NOT NULL,
    answer TEXT,
    answered_on TEXT,
    confirmed_on TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'answered', 'understanding_confirmed')),
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX follow_up_questions_project ON follow_up_questions(project_id, state);

CREATE TABLE commitments (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    promised_by_id INTEGER NOT NULL REFERENCES people(id),
    promised_to_id INTEGER NOT NULL REFERENCES people(id),
    description TEXT NOT NULL,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'kept', 'late', 'broken', 'renegotiated')),
    resolved_on TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX commitments_project ON commitments(project_id, due_on);

-- Who changed which client-facing fact, when, and to what (JSON).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
