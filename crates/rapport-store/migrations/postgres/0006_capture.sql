-- Capturing what was said: a follow-up question or a commitment remembers
-- the interaction it was raised in; a settled commitment keeps why (a
-- renegotiation's reason, a broken promise's explanation); a confirmed
-- question keeps who confirmed it. A person carries the contact intervals
-- the Today agenda measures against: an ideal one (amber when passed) and
-- a maximum (red). Participants are read by person for the contact clock.
-- Mirrors sqlite/0006_capture.sql.

ALTER TABLE follow_up_questions ADD COLUMN interaction_id BIGINT REFERENCES interactions(id);
ALTER TABLE follow_up_questions ADD COLUMN confirmed_by TEXT;
ALTER TABLE commitments ADD COLUMN interaction_id BIGINT REFERENCES interactions(id);
ALTER TABLE commitments ADD COLUMN reason TEXT;
ALTER TABLE people ADD COLUMN contact_ideal_days BIGINT CHECK (contact_ideal_days > 0);
ALTER TABLE people ADD COLUMN contact_max_days BIGINT CHECK (contact_max_days > 0);
CREATE INDEX interaction_participants_person ON interaction_participants(person_id);
CREATE INDEX follow_up_questions_interaction ON follow_up_questions(interaction_id);
CREATE INDEX commitments_interaction ON commitments(interaction_id);
CREATE INDEX commitments_promised_to ON commitments(promised_to_id, state);
CREATE INDEX commitments_promised_by ON commitments(promised_by_id, state);
