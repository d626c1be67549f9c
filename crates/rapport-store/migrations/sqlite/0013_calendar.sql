-- Calendar feeds: a secret URL per user, read by calendar applications
-- without signing in. Only the secret's SHA-256 digest is kept (it is a
-- 256-bit random value, like a session id); a revoked feed answers 404.
-- Mirrors postgres/0013_calendar.sql.

CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX calendar_feeds_user ON calendar_feeds(user_id);
