-- 025 list_unsubscribe: the address a bulk message names in its List-Unsubscribe header (RFC 2369) with
-- List-Unsubscribe-Post (RFC 8058, one click from the mail program); NULL for every other message.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
