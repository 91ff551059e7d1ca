// Versioned schema migrations; PRAGMA user_version holds the version a database is at.

/** Each entry moves the schema from version index to index + 1. Never edit a released one. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE units (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    leader TEXT,          -- JSON {name, title, phone, email}
    contact TEXT,         -- JSON
    active INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_seq INTEGER NOT NULL DEFAULT 0,
    last_seen INTEGER,
    hostname TEXT,
    os TEXT,
    agent_version TEXT,
    clock_offset_ms INTEGER,
    UNIQUE (unit_id, name)
  );
  -- Only hashes of tokens are kept; expires_at is set on an old token during rotation.
  CREATE TABLE tokens (
    hash BLOB PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX tokens_agent ON tokens(agent_id);
  -- labels: canonical JSON of the labels other than unit and agent (keys sorted).
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    metric TEXT NOT NULL,
    labels TEXT NOT NULL,
    UNIQUE (agent_id, metric, labels)
  );
  CREATE INDEX series_metric ON series(metric);
  CREATE TABLE samples (
    series_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,  -- milliseconds since the epoch
    value REAL NOT NULL,
    PRIMARY KEY (series_id, ts)
  ) WITHOUT ROWID;
  -- The checks an agent reports; their state over time is the giamsat_check_up series.
  CREATE TABLE checks (
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    kind TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (agent_id, name)
  ) WITHOUT ROWID;
  -- Failed runs only, with why they failed; a run that succeeded is just a 1 in giamsat_check_up.
  CREATE TABLE failures (
    agent_id INTEGER NOT NULL,
    check_name TEXT NOT NULL,
    ts INTEGER NOT NULL,
    reason TEXT NOT NULL,
    message TEXT,
    PRIMARY KEY (agent_id, check_name, ts)
  ) WITHOUT ROWID;
  -- One row per stored batch: when it arrived and how far the agent's clock was off, for audits.
  CREATE TABLE batches (
    agent_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    clock_offset_ms INTEGER NOT NULL,
    samples INTEGER NOT NULL,
    PRIMARY KEY (agent_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE inventory (
    agent_id INTEGER NOT NULL,
    check_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts INTEGER NOT NULL,
    data TEXT NOT NULL,   -- JSON as the agent sent it
    PRIMARY KEY (agent_id, check_name, ts)
  ) WITHOUT ROWID;
  `,
  // 2: remote_write: samples waiting to be forwarded, in the order they were stored, written in the
  // same transaction as the samples themselves. One row per sample however many endpoints there
  // are; each endpoint keeps how far it got, and rows every endpoint is done with are deleted.
  `
  CREATE TABLE remote_write_queue (
    id INTEGER PRIMARY KEY,   -- assigned in increasing order; never reused
    series_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    value REAL NOT NULL
  );
  CREATE TABLE remote_write_endpoints (
    name TEXT PRIMARY KEY,
    done_id INTEGER NOT NULL  -- queue rows up to this id were sent, refused or dropped
  ) WITHOUT ROWID;
  `,
  // 3: people who use the web pages, their sessions, and the audit log.
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('city', 'unit', 'operator', 'admin')),
    unit_id TEXT REFERENCES units(id),
    password TEXT NOT NULL,   -- scrypt$N$r$p$salt$hash, never the password
    created_at INTEGER NOT NULL,
    CHECK ((role = 'unit') = (unit_id IS NOT NULL))
  );
  -- Only hashes of session cookies are kept, like agent tokens.
  CREATE TABLE sessions (
    hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,       -- the token every form of this session carries
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE INDEX sessions_expiry ON sessions(expires_at);
  -- Who did what and when: enroll, revoke, rotate, sign-off, changes to users.
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,      -- a user's name, or cli:<system user> for commands
    action TEXT NOT NULL,
    unit_id TEXT,
    target TEXT,              -- the agent or user acted on
    detail TEXT               -- JSON, never a secret
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
