-- Status reports, each for one reader. A report is a draft until the PM
-- sends it; sending freezes what was previewed (subject, Markdown, HTML,
-- PDF, the whole e-mail with our own Message-ID) into the row, with the
-- news it contained and the figures it stated, and queues it: the row is
-- its own outbox entry, written in the same transaction. The sender
-- claims due rows (state 'sending', with a lease in next_attempt_at),
-- delivers, and only when the SMTP server accepts marks
-- the report sent, records the e-mail as an interaction and tells the
-- news, in one transaction; a failure keeps the error and the time of the
-- next attempt. Mirrors postgres/0012_reports.sql.

CREATE TABLE status_reports (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    recipient_id INTEGER NOT NULL REFERENCES people(id),
    pm_words TEXT,
    state TEXT NOT NULL CHECK (state IN ('draft', 'queued', 'sending', 'sent', 'failed')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sender_id INTEGER REFERENCES people(id),
    queued_at TEXT,
    subject TEXT,
    body_markdown TEXT,
    body_html TEXT,
    pdf BLOB,
    message BLOB,
    message_id TEXT,
    envelope_from TEXT,
    envelope_to TEXT,
    news_ids TEXT,
    figures TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    interaction_id INTEGER REFERENCES interactions(id)
);
CREATE INDEX status_reports_project ON status_reports(project_id, id);
CREATE INDEX status_reports_due ON status_reports(state, next_attempt_at);
CREATE INDEX status_reports_recipient ON status_reports(recipient_id, state, sent_at);
