-- Notifications are written in the subscriber's language: the app sends its language ("ru" or
-- "en") when it subscribes. Subscriptions stored before that get Russian, the app's default.
ALTER TABLE push_subscriptions ADD COLUMN locale TEXT NOT NULL DEFAULT 'ru'
