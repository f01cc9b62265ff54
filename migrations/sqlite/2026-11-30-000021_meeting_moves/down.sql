ALTER TABLE meetings DROP COLUMN times_moved;
