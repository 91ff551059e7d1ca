// Schema 12: planned maintenance windows, the occurrences ended early, and incidents that began
// inside a window. Frozen: a later change is a new migration.

export const MIGRATION_12 = `
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
`;
