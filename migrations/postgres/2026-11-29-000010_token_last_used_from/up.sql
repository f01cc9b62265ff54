-- Where a token was last used from (the account page lists it, as for sessions).
ALTER TABLE api_tokens ADD COLUMN last_used_from TEXT NOT NULL DEFAULT '';
