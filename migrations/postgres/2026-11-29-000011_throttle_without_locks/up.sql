-- Sign-in failures slow attempts down but never lock: the lock's end is no longer kept.
ALTER TABLE login_throttle DROP COLUMN locked_until;
