ALTER TABLE login_throttle ADD COLUMN locked_until TIMESTAMP;
