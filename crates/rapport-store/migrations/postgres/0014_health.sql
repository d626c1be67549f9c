-- Each account's relationship health, one score a day (written by the
-- daily sweep), for its history on the account page. Mirrors
-- sqlite/0014_health.sql.

CREATE TABLE health_snapshots (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    taken_on DATE NOT NULL,
    score BIGINT NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (account_id, taken_on)
);
