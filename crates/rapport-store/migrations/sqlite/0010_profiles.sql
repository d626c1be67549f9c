-- Behaviour profiles: each assessment of a person is a new row (the latest
-- is their profile; the earlier ones stay as its history). A profile is
-- what someone else observed, never a self-assessment. The questionnaire's
-- answers are kept as a JSON object of item id to 1..5 and the scores are
-- recomputed from them, so the stored style can always be checked; a style
-- named directly has no answers. The contact intervals stay on `people`
-- (Today reads them there). Mirrors postgres/0010_profiles.sql.

CREATE TABLE behaviour_profiles (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    assessed_by_id INTEGER NOT NULL REFERENCES people(id),
    assessed_at TEXT NOT NULL,
    answers TEXT,
    style TEXT NOT NULL CHECK (style IN ('driver', 'expressive', 'amiable', 'analytical')),
    decision_style TEXT CHECK (decision_style IN ('decides_alone', 'consults_one_by_one', 'consults_the_group', 'seeks_consensus')),
    wants TEXT,
    preferred_channel TEXT CHECK (preferred_channel IN ('meeting', 'call', 'email', 'visit', 'message')),
    report_cadence_days INTEGER CHECK (report_cadence_days > 0),
    detail_level TEXT CHECK (detail_level IN ('headline', 'summary', 'full')),
    CHECK (assessed_by_id <> person_id)
);
CREATE INDEX behaviour_profiles_person ON behaviour_profiles(person_id, id);
