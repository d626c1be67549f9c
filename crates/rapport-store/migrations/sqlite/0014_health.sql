-- Each account's relationship health, one score a day (written by the
-- daily sweep), for its history on the account page. Mirrors
-- postgres/0014_health.sql.

CREATE TABLE health_snapshots (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    taken_on TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (account_id, taken_on)
);
