-- The questions asked of a person, by an index: a person's page and the
-- daily health sweep (every client rep of every account) read them, and
-- without it each read scanned every question of the firm (400,000 at
-- 20,000 projects). Mirrors sqlite/0015_questions_asked_of.sql.

CREATE INDEX follow_up_questions_asked_of ON follow_up_questions (asked_of_id);
