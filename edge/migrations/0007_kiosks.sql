-- A kiosk is a device its store's staff enrolled, not a claim. Staff issue a one-time enrolment
-- code at the staff desk; the tablet that presents it becomes the store's kiosk. Only a SHA-256
-- of each code is kept, so reading the table does not reveal a live code.
CREATE TABLE IF NOT EXISTS kiosks (
    id           TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES stores(id),
    enrolled_by  TEXT REFERENCES customers(id),
    user_agent   TEXT NOT NULL DEFAULT '',
    enrolled_at  INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX IF NOT EXISTS kiosks_by_store ON kiosks(store_id);
CREATE TABLE IF NOT EXISTS kiosk_enrolment_codes (
    code_hash   TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores(id),
    issued_by   TEXT REFERENCES customers(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    kiosk_id    TEXT
);
-- The kiosk a session belongs to. A session's channel is kiosk only through a live kiosk here.
ALTER TABLE sessions ADD COLUMN kiosk_id TEXT REFERENCES kiosks(id);
CREATE INDEX IF NOT EXISTS sessions_by_kiosk ON sessions(kiosk_id);
-- Until now a session could claim the kiosk or pos channel: such claims are dropped.
UPDATE sessions SET channel = 'web', store_id = NULL WHERE kiosk_id IS NULL AND channel IN ('kiosk', 'pos')
