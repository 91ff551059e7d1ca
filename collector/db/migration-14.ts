// Schema 14: discovery runs a unit's agent made of the unit's networks, and the devices found, one
// row per unit and address with when it was first and last seen and what a person decided about it
// (approved, ignored; ignored stays ignored across runs). Frozen: a later change is a new migration.

/** The schema version this migration brings the database to: the one place its number is. */
export const DISCOVERY_SCHEMA_VERSION = 14;

export const MIGRATION_DISCOVERY = `
  CREATE TABLE discovery_runs (
    id INTEGER PRIMARY KEY,
    unit_id TEXT NOT NULL,
    agent_id INTEGER,               -- the agent asked to run it; NULL when none could be
    networks TEXT NOT NULL,         -- JSON array of CIDR texts
    requested_by TEXT NOT NULL,     -- a user name, or "schedule"
    state TEXT NOT NULL,            -- running | done | failed
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    swept INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );
  CREATE INDEX discovery_runs_unit ON discovery_runs(unit_id, id);
  CREATE TABLE discovered_devices (
    unit_id TEXT NOT NULL,
    address TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    last_run INTEGER NOT NULL,      -- the last run that found it
    data TEXT NOT NULL,             -- JSON of the device as found (shared/discovery.ts), no credential
    previous TEXT,                  -- JSON of what the run before found, to tell what changed
    decision TEXT,                  -- NULL (proposed) | approved | ignored
    decided_by TEXT,
    decided_at INTEGER,
    approved_checks TEXT,           -- JSON of the checks approved for it, until central checks take them
    PRIMARY KEY (unit_id, address)
  ) WITHOUT ROWID;
`;
