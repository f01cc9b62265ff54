-- How many times a meeting was moved (its time, venue or online address changed, or the
-- year plan moved it). Its SEQUENCE rises on every change a calendar must notice (the
-- agenda, the status), so it cannot tell a moved meeting from a held one; evaluations count
-- moves from here. Moves before this column existed are not counted.
ALTER TABLE meetings ADD COLUMN times_moved INTEGER NOT NULL DEFAULT 0;
