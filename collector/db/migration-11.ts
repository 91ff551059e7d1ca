// Schema 11: planned maintenance windows, the occurrences ended early, and incidents that began
// inside a window; the checks each check depends on, and the failures of a check while one of them
// was down (dependent failures, listed under the parent's incident instead of being incidents).
// Frozen: a later change is a new migration.

export const MIGRATION_11 = `
  -- A window: declared in collector.yaml (config_key: its definition, to find it again at the
  -- next start) or created from the web and the API. A config window taken out of the file keeps
  -- its past: removed_at ends it, as a window ended early.
  CREATE TABLE maintenance_windows (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,         -- config | web
    config_key TEXT UNIQUE,
    definition TEXT NOT NULL,     -- JSON {scope, schedule, reason} (shared/config/maintenance.ts)
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    removed_at INTEGER
  );
  -- An occurrence ended before its time (or cancelled before it began).
  CREATE TABLE maintenance_ends (
    window_id INTEGER NOT NULL REFERENCES maintenance_windows(id),
    occurrence_start INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    ended_by TEXT NOT NULL,
    PRIMARY KEY (window_id, occurrence_start)
  ) WITHOUT ROWID;
  ALTER TABLE incidents ADD COLUMN planned INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE checks ADD COLUMN depends_on TEXT;   -- JSON array of check names of the same agent
  -- A check down while a check it depends on was down: no incident, no notification of its own.
  CREATE TABLE dependent_failures (
    id INTEGER PRIMARY KEY,
    unit_id TEXT NOT NULL,
    agent_id INTEGER NOT NULL,
    series_id INTEGER NOT NULL,     -- the check's giamsat_check_up series
    parent_series_id INTEGER NOT NULL,
    start_ts INTEGER NOT NULL,
    end_ts INTEGER,                 -- NULL while it lasts
    reason TEXT
  );
  CREATE INDEX dependent_failures_parent ON dependent_failures(parent_series_id, start_ts);
  CREATE INDEX dependent_failures_unit ON dependent_failures(unit_id, start_ts);
  ALTER TABLE incident_state ADD COLUMN dependent_id INTEGER;
`;
