-- A person's conversations found from the index alone: the index on
-- interaction_participants(person_id) pointed at each row of the table,
-- which was then read for its interaction id. Today's contact clocks (the
-- last conversation with each client person of the user's projects), a
-- person's timeline and the daily health sweep read hundreds of
-- participations per person; with the interaction id in the index the
-- contact clocks' statement took 0.54 ms instead of 0.91 ms at 2,000
-- projects (docs/benchmarks.md). Mirrors
-- postgres/0016_participations_covering.sql.

CREATE INDEX interaction_participants_person_interaction
    ON interaction_participants (person_id, interaction_id);
DROP INDEX interaction_participants_person;
