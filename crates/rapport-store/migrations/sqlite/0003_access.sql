-- Sign-in and access (SQLite). Mirrors postgres/0003_access.sql.
--
-- Users are firm-side people with a role. Secrets are never stored in the
-- clear: passwords as argon2id PHC strings, session ids and API tokens as
-- SHA-256 digests (both are 256-bit random values, so a fast digest is
-- enough; a stolen table gives no usable cookie or token).

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    -- Stored lower-cased and trimmed; sign-in compares the same form.
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'pm', 'member', 'viewer')),
    -- The firm-side person this user is: what makes them a project's PM
    -- or a member of its team.
    person_id INTEGER NOT NULL UNIQUE REFERENCES people(id),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Server-side sessions, so several servers on one database share them and
-- signing out (or disabling the user) ends a session everywhere at once.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    -- The absolute lifetime; the idle lifetime is checked on last_seen_at.
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    -- The first characters of the token, to tell tokens apart in a list.
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Failed sign-ins, per e-mail as typed (known or not, so an unknown
-- address behaves like a known one) and per client address. Kept in the
-- database so the limit holds across servers.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
CREATE INDEX login_failures_address ON login_failures(address, at);

-- Who created an account: a PM sees the accounts they created before any
-- project of theirs is in it.
ALTER TABLE accounts ADD COLUMN created_by_user_id INTEGER REFERENCES users(id);
