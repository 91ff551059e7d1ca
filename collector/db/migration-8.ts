// Schema 8: notifications. Events are queued by the transaction that opens or closes what they are
// about; grouped into notifications, each delivered as one message per channel and address; the
// messages are the durable send queue. Frozen: a later change is a new migration.

export const MIGRATION_8 = `
  -- What happened that people may be told about, written with the change itself.
  CREATE TABLE notification_events (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    at INTEGER NOT NULL,          -- when it happened: an incident's start or end
    unit_id TEXT,                 -- NULL: about the collector itself
    event TEXT NOT NULL,          -- opened | resolved | repeat
    subject TEXT NOT NULL,        -- check | silence | certificate | buffer | disk | remote_write
    key TEXT NOT NULL,            -- what it is about: i<incident id>, certificate:<series id>, ...
    incident_id INTEGER,
    severity TEXT NOT NULL,       -- critical | warning
    detail TEXT NOT NULL,         -- JSON: check, agent, category, reason, message, since, ...
    status TEXT NOT NULL,         -- pending | sent | covered | suppressed | unrouted
    reason TEXT,                  -- why it was suppressed or left unsent
    root_key TEXT,                -- the link problem it was announced as part of
    notification_id INTEGER
  );
  CREATE INDEX notification_events_pending ON notification_events(unit_id) WHERE status = 'pending';
  CREATE INDEX notification_events_key ON notification_events(key, id);
  CREATE INDEX notification_events_created ON notification_events(created_at);
  -- A unit's events grouped and said once.
  CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    unit_id TEXT,
    kind TEXT NOT NULL,           -- problem | resolved | repeat | summary | city_summary | test
    title TEXT NOT NULL,          -- in Vietnamese, for the unit page
    events TEXT NOT NULL          -- JSON array of the events' dedupe keys
  );
  CREATE INDEX notifications_unit ON notifications(unit_id, created_at);
  -- The durable send queue: one message per notification, channel and address.
  CREATE TABLE notification_messages (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,        -- e-mail address, chat or user id; '' for webhook, alertmanager
    dedupe_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,        -- JSON: what is sent, rendered once
    critical INTEGER NOT NULL,
    state TEXT NOT NULL,          -- queued | sent | failed | dropped
    not_before INTEGER NOT NULL,  -- held by a route's quiet hours until then
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    answer TEXT,                  -- what the receiver said
    done_at INTEGER
  );
  CREATE INDEX notification_messages_queued ON notification_messages(channel, id) WHERE state = 'queued';
  CREATE INDEX notification_messages_notification ON notification_messages(notification_id);
  -- Problems that are not incidents (certificates, agents' buffers, the collector), while open.
  CREATE TABLE notification_conditions (
    key TEXT PRIMARY KEY,
    unit_id TEXT,
    subject TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    detail TEXT NOT NULL          -- JSON
  ) WITHOUT ROWID;
  -- What a channel keeps across restarts: Zalo's tokens, Alertmanager's firing alerts.
  CREATE TABLE notification_channel_state (
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,          -- JSON
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel, key)
  ) WITHOUT ROWID;
  -- The last period each scheduled summary was sent for.
  CREATE TABLE notification_schedule (
    name TEXT PRIMARY KEY,
    period TEXT NOT NULL,
    sent_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`;
