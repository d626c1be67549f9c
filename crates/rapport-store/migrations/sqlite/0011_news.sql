-- News to share and what the client was told.
--
-- news_settings: an account's or a client person's tightening of the
-- default rules (a JSON object of rapport_core::disclosure::RuleSettings).
-- told_ledger: each telling — a conversation marked "told", a report
-- sent, or the client learning it elsewhere — with the figures the client
-- rep now believes; a figure not told that time is NULL, so each figure's
-- latest non-null value is what they believe of it.
-- news_items: each item found by the rules, keyed by what it differs
-- from; at most one live (not resolved) item per project and key.
-- Mirrors postgres/0011_news.sql.

CREATE TABLE news_settings (
    id INTEGER PRIMARY KEY,
    account_id INTEGER UNIQUE REFERENCES accounts(id),
    person_id INTEGER UNIQUE REFERENCES people(id),
    settings TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((account_id IS NULL) <> (person_id IS NULL))
);

CREATE TABLE told_ledger (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    told_on TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('conversation', 'report', 'elsewhere')),
    interaction_id INTEGER REFERENCES interactions(id),
    forecast_finish TEXT,
    eac_minor INTEGER,
    cpi REAL,
    spi_t REAL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX told_ledger_project ON told_ledger(project_id, id);

CREATE TABLE news_items (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    rule TEXT NOT NULL CHECK (rule IN ('cpi_below', 'spi_t_below', 'finish_slip', 'eac_rise', 'estimate_move', 'commitment_at_risk')),
    key TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('critical', 'major')),
    message TEXT NOT NULL,
    -- The same facts worded for the client, as a report states them.
    client_message TEXT NOT NULL,
    found_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'told', 'acknowledged', 'resolved')),
    told_on TEXT,
    told_entry_id INTEGER REFERENCES told_ledger(id),
    told_interaction_id INTEGER REFERENCES interactions(id),
    learned_elsewhere INTEGER NOT NULL DEFAULT 0,
    surprise INTEGER NOT NULL DEFAULT 0,
    acknowledged_on TEXT,
    resolved_on TEXT
);
CREATE UNIQUE INDEX news_items_live_key ON news_items(project_id, key) WHERE state <> 'resolved';
CREATE INDEX news_items_project ON news_items(project_id, state);
