-- Web Push: subscriptions, the outbox (one row per message to one subscription), every delivery
-- attempt, campaigns, and settings such as a generated VAPID key.
CREATE TABLE IF NOT EXISTS settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS push_subscriptions (
    id           TEXT PRIMARY KEY,
    endpoint     TEXT NOT NULL UNIQUE,
    p256dh       TEXT NOT NULL,
    auth         TEXT NOT NULL,
    expires_at   INTEGER,
    session_id   TEXT NOT NULL,
    customer_id  TEXT,
    topics       TEXT NOT NULL,
    city         TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS push_subscriptions_by_customer ON push_subscriptions(customer_id);
CREATE INDEX IF NOT EXISTS push_subscriptions_by_session ON push_subscriptions(session_id);
CREATE TABLE IF NOT EXISTS push_outbox (
    id               TEXT PRIMARY KEY,
    subscription_id  TEXT NOT NULL,
    dedupe_key       TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    topic            TEXT,
    urgency          TEXT NOT NULL,
    ttl              INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    lease_until      INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL,
    last_status      INTEGER,
    last_error       TEXT,
    campaign_id      TEXT,
    cancel_if        TEXT,
    clicked_at       INTEGER,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX IF NOT EXISTS push_outbox_due ON push_outbox(status, due_at);
CREATE INDEX IF NOT EXISTS push_outbox_by_campaign ON push_outbox(campaign_id);
CREATE TABLE IF NOT EXISTS push_attempts (
    outbox_id    TEXT NOT NULL,
    at           INTEGER NOT NULL,
    status_code  INTEGER,
    error        TEXT
);
CREATE INDEX IF NOT EXISTS push_attempts_by_message ON push_attempts(outbox_id);
CREATE TABLE IF NOT EXISTS push_campaigns (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    url          TEXT NOT NULL,
    audience     TEXT NOT NULL,
    recipients   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL
)
