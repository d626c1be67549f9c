-- Simulations run as jobs: a request queues a row and answers at once; a
-- worker in a server process claims the oldest queued row, reports its
-- progress and heartbeat on it, and stores the results with the row's end
-- in one transaction. A row left `running` by a server that died (no
-- heartbeat for a while) is claimed again, so a job survives a restart.
-- `attempt` fences a worker whose job was claimed again after it stalled:
-- its updates name the attempt they belong to and change nothing.
-- Mirrors postgres/0005_simulation_jobs.sql.

CREATE TABLE simulation_jobs (
    id INTEGER PRIMARY KEY,
    estimate_id INTEGER NOT NULL REFERENCES estimate_versions(id),
    iterations INTEGER NOT NULL CHECK (iterations > 0),
    seed INTEGER NOT NULL CHECK (seed >= 0),
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    -- Iterations simulated so far, over every scenario, out of `total`.
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL CHECK (total > 0),
    attempt INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    heartbeat_at TEXT,
    finished_at TEXT
);

CREATE INDEX simulation_jobs_by_state ON simulation_jobs (state, id);
CREATE INDEX simulation_jobs_by_estimate ON simulation_jobs (estimate_id, id);
