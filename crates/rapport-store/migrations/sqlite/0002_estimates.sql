-- Estimate versions of a project (the TOML source as imported, never
-- changed: a new import is a new version) and the simulation results kept
-- with each version. Mirrors postgres/0002_estimates.sql.

CREATE TABLE estimate_versions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    version INTEGER NOT NULL CHECK (version > 0),
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    created_by TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (project_id, version)
);

-- One result set per version: the latest simulation replaces the previous.
CREATE TABLE estimate_results (
    estimate_id INTEGER PRIMARY KEY REFERENCES estimate_versions(id),
    iterations INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    results TEXT NOT NULL,
    simulated_at TEXT NOT NULL
);
