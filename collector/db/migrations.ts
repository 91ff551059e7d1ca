// Versioned schema migrations; PRAGMA user_version holds the version a database is at.
import type { Db } from "./database.js";
import { diffStoredInventories } from "./migration-6.js";
import { MIGRATION_8 } from "./migration-8.js";
import { MIGRATION_9 } from "./migration-9.js";
import { MIGRATION_10 } from "./migration-10.js";
import { MIGRATION_11 } from "./migration-11.js";
import { migration12 } from "./migration-12.js";
import { MIGRATION_FLEET } from "./migration-13.js";
import { MIGRATION_DISCOVERY } from "./migration-14.js";
import { MIGRATION_UPGRADES } from "./migration-15.js";
import { MIGRATION_DISCOVERY_SCHEDULE } from "./migration-16.js";
import { MIGRATION_AGENT_CHECKS } from "./migration-17.js";
import { migration18 } from "./migration-18.js";
import { MIGRATION_PARENT_TIMES } from "./migration-19.js";

/**
 * Each entry moves the schema from version index to index + 1: SQL, or a function for a step SQL
 * alone cannot do (it runs in the same transaction). Never edit a released one; what a function
 * needs is frozen beside it (migration-6.ts), never taken from code that lives on.
 */
export const MIGRATIONS: readonly (string | ((db: Db) => void))[] = [
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
  // 4: a head keyed by agent and time, compressed raw chunks, rollups, availability per unit and
  // category, incidents.
  `
  -- The head is keyed (agent, ts, series): a batch's samples land together at the end of its
  -- agent's range, so a commit dirties a page or two per batch instead of one page per series
  -- (measured: 260k against 18k inserts/s once series hold hours of samples).
  CREATE TABLE samples_by_agent (
    agent_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,  -- milliseconds since the epoch
    series_id INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (agent_id, ts, series_id)
  ) WITHOUT ROWID;
  INSERT INTO samples_by_agent (agent_id, ts, series_id, value)
    SELECT s.agent_id, v.ts, v.series_id, v.value FROM samples v JOIN series s ON s.id = v.series_id;
  DROP TABLE samples;
  ALTER TABLE samples_by_agent RENAME TO samples;
  -- The usual gap between a check's results, estimated by the collector (rollups.ts); a result
  -- counts for at most twice this long.
  ALTER TABLE checks ADD COLUMN interval_ms INTEGER;
  -- Raw samples past the head, compressed per series and 2-hour window (chunk-codec.ts).
  -- id = series_id * 2^21 + window number since the epoch: one series' chunks are one rowid range,
  -- so no second index is needed.
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    count INTEGER NOT NULL,
    data BLOB NOT NULL
  );
  -- Rollups of every series; up_ms, observed_ms and link_ms only for giamsat_check_up.
  -- min, max and sum are NULL when no sample fell in the bucket (a result held over from before).
  CREATE TABLE rollup_5m (
    series_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,     -- start / 300000
    count INTEGER NOT NULL,
    min REAL,
    max REAL,
    sum REAL,
    up_ms INTEGER,
    observed_ms INTEGER,
    link_ms INTEGER,
    PRIMARY KEY (series_id, bucket)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_1h (
    series_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,     -- start / 3600000
    count INTEGER NOT NULL,
    min REAL,
    max REAL,
    sum REAL,
    up_ms INTEGER,
    observed_ms INTEGER,
    link_ms INTEGER,
    PRIMARY KEY (series_id, bucket)
  ) WITHOUT ROWID;
  -- A unit's category, or the whole unit ('*'): what availability is summed over.
  CREATE TABLE scopes (
    id INTEGER PRIMARY KEY,
    unit_id TEXT NOT NULL,
    category TEXT NOT NULL,
    UNIQUE (unit_id, category)
  );
  -- Sums over the scope's checks; covered_ms is the time at least one of them was observed.
  CREATE TABLE scope_5m (
    scope_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    up_ms INTEGER NOT NULL,
    observed_ms INTEGER NOT NULL,
    link_ms INTEGER NOT NULL,
    covered_ms INTEGER NOT NULL,
    PRIMARY KEY (scope_id, bucket)
  ) WITHOUT ROWID;
  CREATE TABLE scope_1h (
    scope_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    up_ms INTEGER NOT NULL,
    observed_ms INTEGER NOT NULL,
    link_ms INTEGER NOT NULL,
    covered_ms INTEGER NOT NULL,
    PRIMARY KEY (scope_id, bucket)
  ) WITHOUT ROWID;
  -- bucket = (start + 7 h) / 86400000: calendar days in Vietnam (UTC+7, no daylight saving).
  CREATE TABLE scope_1d (
    scope_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    up_ms INTEGER NOT NULL,
    observed_ms INTEGER NOT NULL,
    link_ms INTEGER NOT NULL,
    covered_ms INTEGER NOT NULL,
    PRIMARY KEY (scope_id, bucket)
  ) WITHOUT ROWID;
  -- Rollups of a unit are complete before 'through'; late data moves 'dirty_from' back.
  CREATE TABLE rollup_state (
    unit_id TEXT PRIMARY KEY,
    through INTEGER NOT NULL,
    dirty_from INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,          -- check | silence
    unit_id TEXT NOT NULL,
    agent_id INTEGER NOT NULL,
    series_id INTEGER,           -- the check's giamsat_check_up series
    check_name TEXT,
    category TEXT,
    start_ts INTEGER NOT NULL,
    end_ts INTEGER,              -- NULL while open
    reason TEXT,                 -- of the first failed run
    message TEXT
  );
  CREATE INDEX incidents_unit ON incidents(unit_id, start_ts);
  CREATE INDEX incidents_start ON incidents(start_ts);
  CREATE INDEX incidents_open ON incidents(agent_id) WHERE end_ts IS NULL;
  -- Where incident detection stands for each check.
  CREATE TABLE incident_state (
    series_id INTEGER PRIMARY KEY,
    processed_ts INTEGER NOT NULL,
    down INTEGER NOT NULL,       -- 1 while an incident is open
    run INTEGER NOT NULL,        -- consecutive results against the current state
    run_start INTEGER,           -- ts of the first of them
    incident_id INTEGER
  );
  -- Progress of background jobs that must survive a restart.
  CREATE TABLE maintenance_state (
    job TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 5: inspection sign-offs. Only ever added to: a correction is a new record, and the triggers
  // refuse to change or delete one, so nothing recorded can be altered without a trace.
  `
  CREATE TABLE signoffs (
    id INTEGER PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,        -- 2026-11, 2026-Q4 or 2026
    inspector TEXT NOT NULL,     -- the name the leader wrote
    date TEXT NOT NULL,          -- the day of the inspection, YYYY-MM-DD
    findings TEXT NOT NULL,
    actions TEXT NOT NULL,
    recorded_by TEXT NOT NULL,   -- the user logged in
    recorded_at INTEGER NOT NULL
  );
  CREATE INDEX signoffs_unit ON signoffs(unit_id, period);
  CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs
    BEGIN SELECT RAISE(ABORT, 'sign-offs cannot be changed; record a new one'); END;
  CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs
    BEGIN SELECT RAISE(ABORT, 'sign-offs cannot be deleted'); END;
  `,
  // 6: what changed since the inventory before, computed once when an inventory is stored instead
  // of on every report (a host's software list can hold thousands of packages). Existing
  // inventories get theirs here. change_count is NULL for a check's first inventory. And incidents
  // by end, so a report finds those begun before its period without reading all earlier ones; it
  // holds what the search for a unit's link incidents needs, so that reads the index alone.
  (db) => {
    db.exec(`
      CREATE INDEX incidents_unit_end
        ON incidents(unit_id, end_ts, category, kind, start_ts, series_id);
      ALTER TABLE inventory ADD COLUMN previous_ts INTEGER;
      ALTER TABLE inventory ADD COLUMN change_count INTEGER;
      ALTER TABLE inventory ADD COLUMN changes TEXT;  -- JSON InventoryDiff; NULL when first
    `);
    diffStoredInventories(db);
  },
  // 7: a session's CSRF token is derived from its cookie (auth/sessions.ts) instead of stored, so
  // a copy of the database holds no token a form would take. Sessions open at the upgrade go on:
  // their pages get the derived token.
  "ALTER TABLE sessions DROP COLUMN csrf;",
  // 8: notifications: events, notifications, the send queue, channels' state (migration-8.ts).
  MIGRATION_8,
  // 9: what leaders read and sign: checks' titles, the unit's leader (migration-9.ts).
  MIGRATION_9,
  // 10: enrollment codes (migration-10.ts).
  MIGRATION_10,
  // 11: planned maintenance windows and planned incidents (migration-11.ts).
  MIGRATION_11,
  // 12: rollups and whole days of raw samples in compressed chunks (migration-12.ts).
  migration12,
  // 13: the fleet: central checks and what each agent did with them (migration-13.ts).
  MIGRATION_FLEET,
  // 14: discovery runs and the devices they found (migration-14.ts).
  MIGRATION_DISCOVERY,
  // 15: upgrades served by the collector, each agent's last step (migration-15.ts).
  MIGRATION_UPGRADES,
  // 16: when each unit's discovery schedule last ran (migration-16.ts).
  MIGRATION_DISCOVERY_SCHEDULE,
  // 17: central checks of one agent besides its unit's (migration-17.ts).
  MIGRATION_AGENT_CHECKS,
  // 18: check series' rollups by local day (migration-18.ts).
  migration18,
  // 19: when each check last failed and came back, and incidents waiting on a parent (migration-19.ts).
  MIGRATION_PARENT_TIMES,
];
export const SCHEMA_VERSION = MIGRATIONS.length;
