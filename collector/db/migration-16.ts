// Schema 16: when each unit's discovery schedule last started a run, so a restart neither runs it
// twice nor skips a run that fell due while the collector was down or the unit's agent offline.
// Frozen: a later change is a new migration.

/** The schema version this migration brings the database to: the one place its number is. */
export const DISCOVERY_SCHEDULE_SCHEMA_VERSION = 16;

export const MIGRATION_DISCOVERY_SCHEDULE = `
  CREATE TABLE discovery_schedules (
    unit_id TEXT PRIMARY KEY,
    schedule TEXT NOT NULL,         -- JSON of the schedule as collector.yaml gave it
    taken_at INTEGER NOT NULL,      -- the newest scheduled time already run (or passed over when the schedule was new)
    run_id INTEGER                  -- the run it started; NULL when none yet
  ) WITHOUT ROWID;
`;
